using DualWrite.MySql.Replication.Rows;

namespace DualWrite.MySql.Replication.Events;

/// <summary>WRITE/UPDATE/DELETE_ROWS (v1 and v2) and PARTIAL_UPDATE_ROWS, decoded against their table map.</summary>
/// <param name="Header">The common header.</param>
/// <param name="Kind">Insert, update or delete.</param>
/// <param name="Table">The table map the rows were decoded with.</param>
/// <param name="Rows">The rows, in binlog order.</param>
/// <param name="IsStatementEnd">The STMT_END flag: the last rows event of its statement.</param>
public sealed record RowsEvent(BinlogEventHeader Header, RowsEventKind Kind, TableMap Table, IReadOnlyList<RowImagePair> Rows, bool IsStatementEnd)
    : BinlogEvent(Header)
{
    /// <summary>The rows event's own flags (STMT_END_F = 1, NO_FOREIGN_KEY_CHECKS_F = 2, RELAXED_UNIQUE_CHECKS_F = 4,
    /// COMPLETE_ROWS_F = 8).</summary>
    public ushort RowsFlags { get; init; }

    /// <summary>The column count the event announces (the table map's, for a well-formed event).</summary>
    public int ColumnCount { get; init; }

    /// <summary>The columns-present bitmap of the rows (for updates, of the before image); bit i is column i.</summary>
    public ReadOnlyMemory<byte> ColumnsPresent { get; init; }

    /// <summary>For updates, the columns-present bitmap of the after image; empty otherwise.</summary>
    public ReadOnlyMemory<byte> ColumnsPresentAfter { get; init; }
}
