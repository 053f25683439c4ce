using DualWrite.MySql.Protocol;

namespace DualWrite.MySql.Core;

/// <summary>The start of one result: either an OK (no rows) or the columns of a result set.</summary>
internal readonly struct ResultHeader
{
    private ResultHeader(ColumnDefinition[]? columns, ulong affectedRows, ulong lastInsertId)
    {
        Columns = columns;
        AffectedRows = affectedRows;
        LastInsertId = lastInsertId;
    }

    public ColumnDefinition[]? Columns { get; }

    public ulong AffectedRows { get; }

    public ulong LastInsertId { get; }

    public bool HasRows => Columns is not null;

    public static ResultHeader ForOk(ulong affectedRows, ulong lastInsertId) => new(null, affectedRows, lastInsertId);

    public static ResultHeader ForColumns(ColumnDefinition[] columns) => new(columns, 0, 0);
}
