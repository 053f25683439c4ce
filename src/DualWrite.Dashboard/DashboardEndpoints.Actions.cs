using System.Text.Json;
using DualWrite.Core.Phases;
using DualWrite.Dashboard;
using DualWrite.Hosting.Flags;
using DualWrite.MySql.Control;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace Microsoft.AspNetCore.Builder;

public static partial class DashboardEndpoints
{
    /// <summary>A change request's body: <c>{"reason": "...", "to": "OldOnly"}</c> (<c>to</c> for rollback only).</summary>
    private sealed record ChangeBody(string? Reason, string? To);

    private static async Task<IResult> ChangeAsync(string name, string action, HttpContext http, EntityStatusReader reader, CancellationToken ct)
    {
        if (reader.Find(name) is null)
        {
            return UnknownEntity(reader, name);
        }

        var body = await ReadBodyAsync(http, ct).ConfigureAwait(false);
        if (body is null || string.IsNullOrWhiteSpace(body.Reason))
        {
            return BadRequest("give a reason: the body is {\"reason\": \"...\"} (and \"to\" for a rollback)");
        }

        var actor = Actor(http);
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("DualWrite.Dashboard");
        try
        {
            var control = reader.Control;
            PhaseTransitionOutcome outcome;
            switch (action)
            {
                case "advance":
                    outcome = await control.AdvanceAsync(name, actor, body.Reason, ct).ConfigureAwait(false);
                    break;
                case "step-back":
                    outcome = await control.StepBackAsync(name, actor, body.Reason, ct).ConfigureAwait(false);
                    break;
                default:
                    if (!PhaseFlagSchema.TryParseTypedPhase(body.To, out var to))
                    {
                        return BadRequest($"'{body.To}' is not a phase: use one of {string.Join(", ", PhaseFlagSchema.PhaseNames)}");
                    }

                    outcome = await control.TransitionAsync(name, to, PhaseTransitionKind.RollbackTo, actor, body.Reason, ct).ConfigureAwait(false);
                    break;
            }

            var decision = outcome.Decision;
            var request = decision.Request;
            var message = outcome.Applied
                ? $"applied {name}: {request.From} -> {request.To} ({request.Kind}), audit row {outcome.AuditId}"
                : $"refused {name}: {request.From} -> {request.To} ({request.Kind}): {decision.RefusalReason}; the phase is unchanged, the refusal is audit row {outcome.AuditId}";
            LogChange(logger, message, actor);
            return Results.Json(
                new
                {
                    applied = outcome.Applied,
                    entity = name,
                    from = request.From.ToString(),
                    to = request.To.ToString(),
                    kind = request.Kind.ToString(),
                    rejection = outcome.Applied ? null : decision.Rejection.ToString(),
                    message,
                    auditId = outcome.AuditId,
                    revision = outcome.State?.Revision,
                    gates = decision.Gates.Select(EntityStatusReader.Gate),
                },
                Json,
                statusCode: outcome.Applied ? StatusCodes.Status200OK : StatusCodes.Status409Conflict);
        }
        catch (PhaseControlException ex)
        {
            // A conflict (another change committed meanwhile), an entity without a phase, a stored value that is not a phase.
            return Results.Json(new { applied = false, entity = name, error = ex.Message }, Json, statusCode: StatusCodes.Status409Conflict);
        }
        catch (MySqlException ex)
        {
            return Results.Json(new { applied = false, entity = name, error = $"the control database failed: {ex.Message}" }, Json, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<IResult> ReconcileAsync(string name, HttpContext http, EntityStatusReader reader, ReconcileJobs jobs, CancellationToken ct)
    {
        if (reader.Find(name) is null)
        {
            return UnknownEntity(reader, name);
        }

        var body = await ReadBodyAsync(http, ct).ConfigureAwait(false);
        var actor = Actor(http);
        var reason = string.IsNullOrWhiteSpace(body?.Reason) ? "reconciliation started from the dashboard" : body.Reason;
        if (!jobs.TryStart(name, actor))
        {
            return Results.Json(new { started = false, entity = name, error = $"a reconciliation of '{name}' is running already" }, Json, statusCode: StatusCodes.Status409Conflict);
        }

        long? auditId = null;
        try
        {
            auditId = await reader.Control.RecordActionAsync(name, MySqlPhaseControl.ReconcileKind, actor, reason, ct).ConfigureAwait(false);
        }
        catch (PhaseControlException)
        {
            // An entity without a phase row can be reconciled; there is no phase to audit it beside.
        }

        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("DualWrite.Dashboard");
        LogReconcileStarted(logger, name, actor);
        return Results.Json(new { started = true, entity = name, auditId, status = $"api/entities/{name}" }, Json, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>The signed-in user's name, as the audit trail records it.</summary>
    private static string Actor(HttpContext http) => http.User.Identity?.Name is { Length: > 0 } user ? user : "unknown user";

    private static async Task<ChangeBody?> ReadBodyAsync(HttpContext http, CancellationToken ct)
    {
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(ct).ConfigureAwait(false);
            return new ChangeBody(form["reason"], form["to"]);
        }

        if (http.Request.ContentLength is 0 || http.Request.ContentType is null)
        {
            return new ChangeBody(null, null);
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<ChangeBody>(http.Request.Body, Json, ct).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult BadRequest(string error) => Results.Json(new { error }, Json, statusCode: StatusCodes.Status400BadRequest);

    [LoggerMessage(EventId = DashboardEventIds.PhaseChanged, Level = LogLevel.Information, Message = "Dashboard: {Message} (by {Actor})")]
    private static partial void LogChange(ILogger logger, string message, string actor);

    [LoggerMessage(EventId = DashboardEventIds.ReconcileStarted, Level = LogLevel.Information, Message = "Dashboard: reconciliation of {Entity} started by {Actor}")]
    private static partial void LogReconcileStarted(ILogger logger, string entity, string actor);
}
