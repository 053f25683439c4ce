namespace DualWrite.MySql.Replication.Events;

/// <summary>BINLOG_CHECKPOINT_EVENT (MariaDB): the oldest file crash recovery still needs.</summary>
/// <param name="Header">The common header.</param>
/// <param name="File">That file's name.</param>
public sealed record BinlogCheckpointEvent(BinlogEventHeader Header, string File) : BinlogEvent(Header);
