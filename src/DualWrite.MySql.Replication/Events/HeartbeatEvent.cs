namespace DualWrite.MySql.Replication.Events;

/// <summary>HEARTBEAT_LOG_EVENT (v1 and v2): the source is alive; carries its current file and position.</summary>
/// <param name="Header">The common header.</param>
/// <param name="LogFile">The source's current binlog file.</param>
/// <param name="Position">The source's position in it.</param>
public sealed record HeartbeatEvent(BinlogEventHeader Header, string LogFile, ulong Position) : BinlogEvent(Header);
