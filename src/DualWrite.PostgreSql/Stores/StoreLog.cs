using Microsoft.Extensions.Logging;

namespace DualWrite.PostgreSql.Stores;

// Event ids 3100-3119 (PostgreSqlEventIds) belong to the PostgreSQL store.
internal static partial class StoreLog
{
    [LoggerMessage(EventId = PostgreSqlEventIds.VersionColumnAdded, Level = LogLevel.Information, Message = "Added version column {Column} to table {Table}")]
    public static partial void VersionColumnAdded(ILogger logger, string table, string column);

    [LoggerMessage(EventId = PostgreSqlEventIds.TombstoneTableCreated, Level = LogLevel.Information, Message = "Created tombstone table {TombstoneTable} for table {Table}")]
    public static partial void TombstoneTableCreated(ILogger logger, string table, string tombstoneTable);

    [LoggerMessage(EventId = PostgreSqlEventIds.WriteRetried, Level = LogLevel.Debug, Message = "Write to table {Table} ran into {SqlState} (attempt {Attempt}); retrying")]
    public static partial void WriteRetried(ILogger logger, string table, string sqlState, int attempt);
}
