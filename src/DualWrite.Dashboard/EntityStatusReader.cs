using DualWrite.Core.Phases;
using DualWrite.Core.Reconciliation;
using DualWrite.Hosting.Flags;
using DualWrite.Migration.Gates;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Reconcile;
using DualWrite.MySql.Control;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Dashboard;

/// <summary>
/// Reads what the dashboard shows of an entity, and holds the phase control that moves it: the one
/// <see cref="PlanGates.Control"/> builds, so the dashboard's advance runs the gates <c>dualwrite phase advance --plan</c> runs.
/// </summary>
internal sealed class EntityStatusReader : IAsyncDisposable
{
    private const int HistoryShown = 50;
    private readonly DualWriteDashboardOptions _options;
    private readonly MySqlDataSource _source;
    private readonly Func<string, CancellationToken, Task<IReadOnlyList<RepairLogDepth>>> _repairLogs;

    public EntityStatusReader(DualWriteDashboardOptions options)
    {
        _options = options;
        _ = options.RequiredPlan;
        _source = new MySqlDataSource(options.SourceConnectionString ?? throw new InvalidOperationException("DualWriteDashboardOptions.SourceConnectionString is not set."));
        var control = options.Control ?? throw new InvalidOperationException("DualWriteDashboardOptions.Control is not set.");
        _repairLogs = options.RepairLogDepth ?? RepairLogDepths.Default(_source, options.Target, Schema);
        Control = PlanGates.Control(options.RequiredPlan, new GateServers(_source, control, options.Tables) { Target = options.Target, Time = options.Time });
    }

    /// <summary>The phase control, its forward moves gated by the plan's gates.</summary>
    public MySqlPhaseControl Control { get; }

    public ValidatedPlan Plan => _options.RequiredPlan;

    /// <summary>The plan's entity named <paramref name="name"/>, or null.</summary>
    public ValidatedEntity? Find(string name) => Plan.Entities.FirstOrDefault(e => string.Equals(e.Plan.Name, name, StringComparison.Ordinal));

    /// <summary>Every entity of the plan, in plan order, with its phase and lag (no gates: the list is polled).</summary>
    public async Task<IReadOnlyList<EntityStatus>> ListAsync(ReconcileJobs jobs, CancellationToken cancellationToken)
    {
        IReadOnlyList<PhaseState> phases;
        string? problem = null;
        try
        {
            phases = await Control.GetPhasesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException ex)
        {
            phases = [];
            problem = ControlProblem(ex);
        }

        var lag = await ReadLagAsync(cancellationToken).ConfigureAwait(false);
        return [.. Plan.Entities.Select(e => Summary(e, phases.FirstOrDefault(p => p.Entity == e.Plan.Name), problem, lag, jobs))];
    }

    /// <summary>Everything about one entity: phase, gates for the next move, lag, last reconciliation, repair logs, history.</summary>
    public async Task<EntityStatus> DetailAsync(ValidatedEntity entity, ReconcileJobs jobs, CancellationToken cancellationToken)
    {
        var name = entity.Plan.Name;
        var lag = await ReadLagAsync(cancellationToken).ConfigureAwait(false);
        PhaseState? state;
        try
        {
            state = await Control.GetPhaseAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException ex)
        {
            return Summary(entity, null, ControlProblem(ex), lag, jobs);
        }

        var status = Summary(entity, state, null, lag, jobs);
        var reconcile = await ReadReconcileAsync(name, cancellationToken).ConfigureAwait(false);
        var repairs = await _repairLogs(name, cancellationToken).ConfigureAwait(false);
        if (state is null || state.Phase is null)
        {
            return status with { LastReconcile = reconcile, RepairLogs = repairs };
        }

        var history = await Control.GetHistoryAsync(name, cancellationToken).ConfigureAwait(false);
        var preview = await Control.PreviewAdvanceAsync(name, cancellationToken).ConfigureAwait(false);
        return status with
        {
            Gates = [.. preview.Gates.Select(Gate)],
            AdvanceRefusal = preview.RefusalReason,
            LastReconcile = reconcile,
            RepairLogs = repairs,
            LastMove = history.LastOrDefault(h => h.Applied && h.Kind is not null) is { } last ? Audit(last) : null,
            History = [.. history.Reverse().Take(HistoryShown).Select(Audit)],
        };
    }

    /// <summary>The full last report of the entity, or null.</summary>
    public async Task<ReconcileReport?> LastReportAsync(string entity, CancellationToken cancellationToken) =>
        await OnTargetAsync(connection => ReconcileRuns.LastReportAsync(connection, Schema, Plan.Plan.Name, entity, cancellationToken), cancellationToken).ConfigureAwait(false)
            is { } json ? ReconcileReportJson.Parse(json) : null;

    public static GateView Gate(GateOutcome outcome) => new(outcome.GateName, outcome.Result.Passed, outcome.Result.Reason ?? "");

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    private string Schema => Plan.Plan.Target.Schema ?? "public";

    private EntityStatus Summary(ValidatedEntity entity, PhaseState? state, string? problem, (TimeSpan Lag, DateTimeOffset MeasuredAt)? lag, ReconcileJobs jobs)
    {
        var phase = state?.Phase;
        return new EntityStatus
        {
            Entity = entity.Plan.Name,
            Tables = $"{entity.Plan.Table} → {Schema}.{entity.Plan.TargetTable}",
            Phase = state?.PhaseName,
            Revision = state?.Revision ?? 0,
            UpdatedAt = state?.UpdatedAt,
            UpdatedBy = state?.UpdatedBy,
            Next = phase?.Next()?.ToString(),
            Earlier = phase is { } p ? [.. PhaseFlagSchema.PhaseNames.Take((int)p - (int)MigrationPhaseExtensions.First)] : [],
            CdcLagMs = lag is { } l ? (long)l.Lag.TotalMilliseconds : null,
            CdcLagMeasuredAt = lag?.MeasuredAt,
            ReconcileJob = jobs.Get(entity.Plan.Name),
            Problem = problem ?? (state is null
                ? $"'{entity.Plan.Name}' has no phase yet: run `dualwrite phase init --entity {entity.Plan.Name} --actor <who>`"
                : phase is null ? $"the phase table holds '{state.PhaseName}', which is not a phase" : null),
        };
    }

    private Task<(TimeSpan Lag, DateTimeOffset MeasuredAt)?> ReadLagAsync(CancellationToken cancellationToken) =>
        OnTargetAsync(connection => CdcLagGate.ReadLagAsync(Plan, connection, cancellationToken), cancellationToken);

    /// <summary>Runs <paramref name="read"/> on a connection to the target; default when the dashboard has no target.</summary>
    private async Task<T?> OnTargetAsync<T>(Func<NpgsqlConnection, Task<T?>> read, CancellationToken cancellationToken)
    {
        if (_options.Target is not { } target)
        {
            return default;
        }

        var connection = await target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await read(connection).ConfigureAwait(false);
        }
    }

    private Task<ReconcileView?> ReadReconcileAsync(string entity, CancellationToken cancellationToken) => OnTargetAsync(
        async connection =>
        {
            var summary = await ReconcileRuns.LastFinishedAsync(connection, Schema, Plan.Plan.Name, entity, cancellationToken).ConfigureAwait(false);
            if (summary is null)
            {
                return null;
            }

            var json = await ReconcileRuns.LastReportAsync(connection, Schema, Plan.Plan.Name, entity, cancellationToken).ConfigureAwait(false);
            var figures = json is null ? [] : ReconcileReportJson.Parse(json).Entities.SelectMany(ReconcileReportText.Figures).Select(f => new FigureView(f.Label, f.Value)).ToList();
            return new ReconcileView(summary.RunId, summary.FinishedAt, summary.Clean, summary.Differences, summary.VerifiedAs, figures);
        },
        cancellationToken);

    private static AuditView Audit(PhaseAuditEntry entry) => new(
        entry.Id, entry.At, entry.Kind?.ToString() ?? entry.Action, entry.From?.ToString(), entry.To.ToString(),
        entry.Applied ? "applied" : $"refused ({entry.Rejection})", entry.Actor, entry.Reason, [.. entry.Gates.Select(Gate)]);

    private string ControlProblem(MySqlException ex) => ex.Number == 1146
        ? $"the control tables ({_options.Tables.PhaseTable}) do not exist: run `dualwrite phase init`"
        : $"the control database cannot be read: {ex.Message}";
}
