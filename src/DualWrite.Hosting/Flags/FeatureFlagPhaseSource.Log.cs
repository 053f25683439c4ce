using DualWrite.Core.Phases;
using Microsoft.Extensions.Logging;

namespace DualWrite.Hosting.Flags;

// Event ids 1500-1519 (HostingEventIds) belong to the feature-flag phase source.
public sealed partial class FeatureFlagPhaseSource
{
    [LoggerMessage(EventId = HostingEventIds.PhaseChanged, Level = LogLevel.Information, Message = "Entity {Entity} is now in phase {Phase} (was {Previous}), from feature flag {FlagName}")]
    private static partial void LogPhaseChanged(ILogger logger, string entity, MigrationPhase phase, string previous, string flagName);

    [LoggerMessage(EventId = HostingEventIds.PhaseFlagInvalidKeepingLastGoodPhase, Level = LogLevel.Warning, Message = "Phase flag {FlagName} of entity {Entity} is invalid ({Problem}: {Detail}); keeping its last good phase {Phase}")]
    private static partial void LogKeepingLastGoodPhase(ILogger logger, string entity, string flagName, PhaseFlagProblem problem, string? detail, MigrationPhase phase);

    [LoggerMessage(EventId = HostingEventIds.PhaseUnavailable, Level = LogLevel.Warning, Message = "Phase flag {FlagName} of entity {Entity} gives no phase ({Problem}: {Detail}); calls for this entity fail until it does")]
    private static partial void LogPhaseUnavailable(ILogger logger, string entity, string flagName, PhaseFlagProblem problem, string? detail);

    [LoggerMessage(EventId = HostingEventIds.PhaseFlagRecovered, Level = LogLevel.Information, Message = "Phase flag {FlagName} of entity {Entity} is valid again: phase {Phase}")]
    private static partial void LogFlagRecovered(ILogger logger, string entity, string flagName, MigrationPhase phase);

    [LoggerMessage(EventId = HostingEventIds.PhaseFlagRefreshFailed, Level = LogLevel.Warning, Message = "Refreshing phase flags failed; the phases read before stay in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
