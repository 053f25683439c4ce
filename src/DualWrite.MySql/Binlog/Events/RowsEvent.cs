using DualWrite.MySql.Binlog.Rows;

namespace DualWrite.MySql.Binlog.Events;

/// <summary>WRITE/UPDATE/DELETE_ROWS (v1 and v2) and PARTIAL_UPDATE_ROWS, decoded against their table map.</summary>
/// <param name="Header">The common header.</param>
/// <param name="Kind">Insert, update or delete.</param>
/// <param name="Table">The table map the rows were decoded with.</param>
/// <param name="Rows">The rows, in binlog order.</param>
/// <param name="IsStatementEnd">The STMT_END flag: the last rows event of its statement.</param>
public sealed record RowsEvent(BinlogEventHeader Header, RowsEventKind Kind, TableMap Table, IReadOnlyList<RowImagePair> Rows, bool IsStatementEnd)
    : BinlogEvent(Header);
