namespace DualWrite.MySql.Replication.Events;

/// <summary>A decoded binlog event.</summary>
/// <param name="Header">The common header.</param>
public abstract record BinlogEvent(BinlogEventHeader Header);
