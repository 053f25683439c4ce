using Microsoft.Extensions.Logging;

namespace DualWrite.MySql.Control;

// Event ids 2100-2119 (MySqlEventIds) belong to the phase table's configuration provider.
public sealed partial class MySqlPhaseConfigurationProvider
{
    [LoggerMessage(EventId = MySqlEventIds.PhasesRead, Level = LogLevel.Debug, Message = "Read {Count} phase rows from {Where}; the flags changed")]
    private static partial void LogPhasesRead(ILogger logger, int count, string where);

    [LoggerMessage(EventId = MySqlEventIds.PhasePollFailed, Level = LogLevel.Warning, Message = "Polling the phases from {Where} failed ({Error}); keeping the phases read at {LastSuccess} and retrying")]
    private static partial void LogPollFailed(ILogger logger, string where, string error, string lastSuccess);

    [LoggerMessage(EventId = MySqlEventIds.PhasePollStillFailing, Level = LogLevel.Debug, Message = "Polling the phases from {Where} still fails ({Failures} in a row): {Error}")]
    private static partial void LogPollStillFailing(ILogger logger, string where, int failures, string error);

    [LoggerMessage(EventId = MySqlEventIds.PhasePollRecovered, Level = LogLevel.Information, Message = "Polling the phases from {Where} works again after {Failures} failures")]
    private static partial void LogPollRecovered(ILogger logger, string where, int failures);

    [LoggerMessage(EventId = MySqlEventIds.PhaseRowSkipped, Level = LogLevel.Warning, Message = "Phase row for entity '{Entity}' in {Where} is not served: an entity name must be non-blank and without ':'")]
    private static partial void LogRowSkipped(ILogger logger, string entity, string where);
}
