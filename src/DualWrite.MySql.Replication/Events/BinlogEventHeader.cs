using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Events;

/// <summary>The 19-byte header every binlog event (v4) starts with.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_event.html#sect_protocol_replication_binlog_event_header</remarks>
/// <param name="Timestamp">Seconds since the epoch when the statement began.</param>
/// <param name="Type">The event type.</param>
/// <param name="ServerId">The server that wrote the event.</param>
/// <param name="EventSize">The whole event's size, header and checksum included.</param>
/// <param name="NextPosition">The position of the next event in the same file (0 for artificial events).</param>
/// <param name="Flags">Event flags (LOG_EVENT_*).</param>
public readonly record struct BinlogEventHeader(uint Timestamp, BinlogEventType Type, uint ServerId, uint EventSize, uint NextPosition, ushort Flags)
{
    /// <summary>The header's size in binlog v4.</summary>
    public const int Size = 19;

    /// <summary>LOG_EVENT_ARTIFICIAL_F: made up by the server for a replica (e.g. the first ROTATE), not in the file.</summary>
    public bool IsArtificial => (Flags & 0x20) != 0;

    /// <summary>LOG_EVENT_IGNORABLE_F: a reader that does not know the event may skip it.</summary>
    public bool IsIgnorable => (Flags & 0x80) != 0;
}
