namespace DualWrite.MySql.Replication.Events;

/// <summary>STOP_EVENT: the server shut down; the file ends here.</summary>
/// <param name="Header">The common header.</param>
public sealed record StopEvent(BinlogEventHeader Header) : BinlogEvent(Header);
