namespace DualWrite.MySql.Replication.Events;

/// <summary>XID_EVENT: a transaction on a transactional engine committed.</summary>
/// <param name="Header">The common header.</param>
/// <param name="Xid">The transaction id.</param>
public sealed record XidEvent(BinlogEventHeader Header, ulong Xid) : BinlogEvent(Header);
