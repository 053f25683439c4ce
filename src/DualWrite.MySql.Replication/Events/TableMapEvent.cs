using DualWrite.MySql.Replication.Rows;

namespace DualWrite.MySql.Replication.Events;

/// <summary>TABLE_MAP_EVENT: describes the table of the rows events that follow.</summary>
/// <param name="Header">The common header.</param>
/// <param name="Table">The table description.</param>
public sealed record TableMapEvent(BinlogEventHeader Header, TableMap Table) : BinlogEvent(Header);
