using DualWrite.Core.Phases;
using Microsoft.Extensions.Logging;

namespace DualWrite.MySql.Control;

// Event ids 2120-2139 (MySqlEventIds) belong to the phase control.
public sealed partial class MySqlPhaseControl
{
    [LoggerMessage(EventId = MySqlEventIds.PhaseInitialized, Level = LogLevel.Information, Message = "Entity {Entity} initialized in OldOnly by {Actor}")]
    private static partial void LogInitialized(ILogger logger, string entity, string actor);

    [LoggerMessage(EventId = MySqlEventIds.PhaseTransitionApplied, Level = LogLevel.Information, Message = "Entity {Entity}: {Kind} {From} -> {To} applied (revision {Revision}) by {Actor}: {Reason}")]
    private static partial void LogApplied(ILogger logger, string entity, PhaseTransitionKind kind, MigrationPhase from, MigrationPhase to, long revision, string actor, string reason);

    [LoggerMessage(EventId = MySqlEventIds.PhaseTransitionRejected, Level = LogLevel.Information, Message = "Entity {Entity}: {Kind} {From} -> {To} rejected ({Rejection}), asked by {Actor}; audited as row {AuditId}")]
    private static partial void LogRejected(ILogger logger, string entity, PhaseTransitionKind kind, MigrationPhase from, MigrationPhase to, PhaseTransitionRejection rejection, string actor, long auditId);

    [LoggerMessage(EventId = MySqlEventIds.PhaseTransitionConflict, Level = LogLevel.Warning, Message = "Entity {Entity}: change by {Actor} lost a race: decided on {From} at revision {Revision}, found {Now} at revision {NowRevision}")]
    private static partial void LogConflict(ILogger logger, string entity, MigrationPhase from, long revision, string? now, long? nowRevision, string actor);
}
