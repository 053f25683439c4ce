namespace DualWrite.MySql.Replication.Events;

/// <summary>GTID_LIST_EVENT (MariaDB): the last GTID of each domain before this file.</summary>
/// <param name="Header">The common header.</param>
/// <param name="Gtids">One GTID per domain (and server).</param>
public sealed record MariaDbGtidListEvent(BinlogEventHeader Header, IReadOnlyList<MariaDbGtid> Gtids) : BinlogEvent(Header);
