using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Plans;
using Npgsql;

namespace DualWrite.Migration.Reconcile;

/// <summary>
/// Reconciles a migration plan's tables: each entity's MySQL table against its PostgreSQL table, on the one engine
/// (<see cref="Reconciler"/>), with per-chunk results in the target's control schema (<see cref="ReconcileRuns"/>).
/// See docs/reconcile.md.
/// </summary>
public sealed class PlanReconciler
{
    private readonly ValidatedPlan _plan;
    private readonly string _sourceConnectionString;
    private readonly NpgsqlDataSource _target;
    private readonly TimeProvider _time;

    private PlanReconciler(ValidatedPlan plan, string sourceConnectionString, NpgsqlDataSource target, TimeProvider time)
    {
        _plan = plan;
        _sourceConnectionString = sourceConnectionString;
        _target = target;
        _time = time;
    }

    /// <summary>Creates the reconciler for a plan validated against its source.</summary>
    public static PlanReconciler Create(ValidatedPlan plan, string sourceConnectionString, NpgsqlDataSource target, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(sourceConnectionString);
        ArgumentNullException.ThrowIfNull(target);
        return new PlanReconciler(plan, sourceConnectionString, target, time ?? TimeProvider.System);
    }

    /// <summary>The options the plan sets (chunk size, parallelism, re-check bound); a caller sets Fresh, Repair and DryRun on top.</summary>
    public ReconcileOptions DefaultOptions => new()
    {
        ChunkSize = _plan.Plan.Backfill.ChunkSize,
        Parallelism = Math.Max(1, _plan.Plan.Backfill.Parallelism),
    };

    /// <summary>Reconciles <paramref name="entity"/> (every entity of the plan when null).</summary>
    /// <exception cref="ArgumentException">The plan has no entity <paramref name="entity"/> (the message lists those it has).</exception>
    public Task<ReconcileReport> RunAsync(ReconcileOptions options, string? entity, IProgress<ReconcileProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ = (_sourceConnectionString, _target, _time, entity, progress, cancellationToken);
        throw new NotImplementedException("The plan pair lands next.");
    }
}
