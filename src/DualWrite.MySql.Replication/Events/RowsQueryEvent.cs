namespace DualWrite.MySql.Replication.Events;

/// <summary>ANNOTATE_ROWS_EVENT (MariaDB) and ROWS_QUERY_LOG_EVENT (MySQL): the statement that produced the rows that follow.</summary>
/// <param name="Header">The common header.</param>
/// <param name="Sql">The statement text.</param>
public sealed record RowsQueryEvent(BinlogEventHeader Header, string Sql) : BinlogEvent(Header);
