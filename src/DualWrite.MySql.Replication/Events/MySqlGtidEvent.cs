namespace DualWrite.MySql.Replication.Events;

/// <summary>GTID_LOG_EVENT, ANONYMOUS_GTID_LOG_EVENT and GTID_TAGGED_LOG_EVENT (MySQL): start a transaction.</summary>
/// <param name="Header">The common header.</param>
/// <param name="SourceId">The originating server's UUID.</param>
/// <param name="TransactionNumber">The GNO.</param>
/// <param name="Tag">The GTID tag (MySQL 8.3+), or null.</param>
/// <param name="IsAnonymous">An anonymous GTID (gtid_mode=OFF).</param>
/// <param name="ImmediateCommitTimestampMicroseconds">Commit time in µs since the epoch, when present (8.0.1+).</param>
public sealed record MySqlGtidEvent(
    BinlogEventHeader Header, Guid SourceId, long TransactionNumber, string? Tag, bool IsAnonymous, ulong? ImmediateCommitTimestampMicroseconds)
    : BinlogEvent(Header)
{
    /// <summary>The GTID as MySQL writes it: <c>uuid:gno</c> or <c>uuid:tag:gno</c>.</summary>
    public string Gtid => Tag is null ? $"{SourceId}:{TransactionNumber}" : $"{SourceId}:{Tag}:{TransactionNumber}";
}
