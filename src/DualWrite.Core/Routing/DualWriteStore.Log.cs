using DualWrite.Core.Diagnostics;
using DualWrite.Core.Phases;
using Microsoft.Extensions.Logging;

namespace DualWrite.Core.Routing;

/// <content>Log messages (event ids 1100–1199, see <see cref="DualWriteEventIds"/>). Keys are logged; values only where the options allow.</content>
public sealed partial class DualWriteStore<TKey, TValue>
{
    [LoggerMessage(EventId = DualWriteEventIds.SecondaryWriteFailed, Level = LogLevel.Warning, Message = "Secondary write of {Entity} to the {Target} store failed at version {Version}; left for the repair worker")]
    private static partial void LogSecondaryFailed(ILogger logger, string entity, StoreRole target, long version, Exception exception);

    [LoggerMessage(EventId = DualWriteEventIds.OutboxIntentNotCompleted, Level = LogLevel.Warning, Message = "Could not complete outbox intent {IntentId} of {Entity}; the repair worker will complete it")]
    private static partial void LogIntentNotCompleted(ILogger logger, string entity, Guid intentId, Exception exception);

    [LoggerMessage(EventId = DualWriteEventIds.ShadowReadMismatch, Level = LogLevel.Warning, Message = "Shadow read mismatch on {Entity} key {Key}: read store version {ServedVersion}, other store version {ShadowVersion}")]
    private static partial void LogShadowMismatch(ILogger logger, string entity, TKey key, long? servedVersion, long? shadowVersion);

    [LoggerMessage(EventId = DualWriteEventIds.ShadowReadMismatchWithValues, Level = LogLevel.Warning, Message = "Shadow read mismatch on {Entity} key {Key}: read store {Served}, other store {Shadow}")]
    private static partial void LogShadowMismatchWithValues(ILogger logger, string entity, TKey key, string served, string shadow);

    [LoggerMessage(EventId = DualWriteEventIds.ShadowReadFailed, Level = LogLevel.Debug, Message = "Shadow read of {Entity} failed")]
    private static partial void LogShadowReadFailed(ILogger logger, string entity, Exception exception);
}
