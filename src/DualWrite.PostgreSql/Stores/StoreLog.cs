using Microsoft.Extensions.Logging;

namespace DualWrite.PostgreSql.Stores;

// Event ids 3100-3119 belong to the PostgreSQL store.
internal static partial class StoreLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Added version column {Column} to table {Table}")]
    public static partial void VersionColumnAdded(ILogger logger, string table, string column);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Created tombstone table {TombstoneTable} for table {Table}")]
    public static partial void TombstoneTableCreated(ILogger logger, string table, string tombstoneTable);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "Write to table {Table} ran into {SqlState} (attempt {Attempt}); retrying")]
    public static partial void WriteRetried(ILogger logger, string table, string sqlState, int attempt);
}
