namespace DualWrite.MySql.Replication.Rows;

/// <summary>A table as a TABLE_MAP event describes it: the key for decoding the rows events that follow.</summary>
public sealed class TableMap
{
    /// <summary>The server's id for the table in this binlog (not stable across DDL or restarts).</summary>
    public required ulong TableId { get; init; }

    /// <summary>The database.</summary>
    public required string Schema { get; init; }

    /// <summary>The table name.</summary>
    public required string Table { get; init; }

    /// <summary>The columns in table order.</summary>
    public required IReadOnlyList<TableMapColumn> Columns { get; init; }

    /// <summary>Ordinals of the primary key columns in key order (empty when the server did not send them).</summary>
    public IReadOnlyList<int> PrimaryKey { get; init; } = [];

    /// <summary>True when the optional metadata included column names (binlog_row_metadata=FULL).</summary>
    public bool HasColumnNames => Columns.Count > 0 && Columns[0].Name is not null;

    /// <inheritdoc />
    public override string ToString() => $"`{Schema}`.`{Table}` (table id {TableId})";
}
