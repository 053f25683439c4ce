namespace DualWrite.MySql.Replication.Events;

/// <summary>FORMAT_DESCRIPTION_EVENT: the first event of every binlog file, describing the rest.</summary>
/// <param name="Header">The common header.</param>
/// <param name="BinlogVersion">Always 4 for MySQL 5.0+ and MariaDB.</param>
/// <param name="ServerVersion">The writing server's version string.</param>
/// <param name="CreatedTimestamp">When the file was created (0 when not the first FDE).</param>
/// <param name="HeaderLength">The common header length, 19.</param>
/// <param name="PostHeaderLengths">Post-header length per event type (index = type - 1).</param>
/// <param name="HasChecksum">Whether the events that follow end with a CRC32 (binlog_checksum=CRC32).</param>
public sealed record FormatDescriptionEvent(
    BinlogEventHeader Header, ushort BinlogVersion, string ServerVersion, uint CreatedTimestamp, byte HeaderLength,
    IReadOnlyList<byte> PostHeaderLengths, bool HasChecksum) : BinlogEvent(Header);
