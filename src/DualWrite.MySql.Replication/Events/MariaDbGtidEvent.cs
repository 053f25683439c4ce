namespace DualWrite.MySql.Replication.Events;

/// <summary>GTID_EVENT (MariaDB): starts a transaction (or a standalone DDL) and names its GTID.</summary>
/// <param name="Header">The common header.</param>
/// <param name="Gtid">The transaction's GTID (the server id is the header's).</param>
/// <param name="Flags">FL_STANDALONE (1) marks a statement without BEGIN/COMMIT, such as DDL.</param>
/// <param name="CommitId">The group-commit id, when present.</param>
public sealed record MariaDbGtidEvent(BinlogEventHeader Header, MariaDbGtid Gtid, byte Flags, ulong? CommitId) : BinlogEvent(Header)
{
    /// <summary>A standalone statement: no BEGIN/COMMIT pair follows, the next QUERY is the whole transaction.</summary>
    public bool IsStandalone => (Flags & 1) != 0;
}
