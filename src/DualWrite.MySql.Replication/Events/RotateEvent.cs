namespace DualWrite.MySql.Replication.Events;

/// <summary>ROTATE_EVENT: the stream continues in another file at a position.</summary>
/// <param name="Header">The common header.</param>
/// <param name="Position">The position in the next file (4 for a new file).</param>
/// <param name="NextFile">The next binlog file name.</param>
public sealed record RotateEvent(BinlogEventHeader Header, ulong Position, string NextFile) : BinlogEvent(Header);
