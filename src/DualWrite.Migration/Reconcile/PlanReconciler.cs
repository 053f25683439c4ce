using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Migration.Reconcile;

/// <summary>
/// Reconciles a migration plan's tables: each entity's MySQL table against its PostgreSQL table, on the one engine
/// (<see cref="Reconciler"/>), with per-chunk results in the target's control schema (<see cref="ReconcileRuns"/>).
/// Each entity is one <see cref="PlanReconcilePair"/>; the feed is the plan's catch-up. See docs/reconcile.md.
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
        RecheckBound = _plan.Plan.Reconcile.RecheckBound,
    };

    /// <summary>Reconciles <paramref name="entity"/> (every entity of the plan when null).</summary>
    /// <exception cref="ArgumentException">The plan has no entity <paramref name="entity"/> (the message lists those it has).</exception>
    /// <exception cref="BackfillException">A target table is missing (<see cref="BackfillError.TargetMismatch"/>: the backfill has not created it), or a source value cannot be converted (<see cref="BackfillError.BadValue"/>).</exception>
    /// <exception cref="NotSupportedException">An entity's key cannot be ordered alike on both sides (a transformed, array or JSON key column).</exception>
    public async Task<ReconcileReport> RunAsync(ReconcileOptions options, string? entity, IProgress<ReconcileProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var entities = _plan.Entities.Where(e => entity is null || string.Equals(e.Plan.Name, entity, StringComparison.Ordinal)).ToList();
        if (entities.Count == 0)
        {
            throw new ArgumentException(
                $"The plan {_plan.Plan.File} has no entity '{entity}'; it has {string.Join(", ", _plan.Entities.Select(e => e.Plan.Name))}.", nameof(entity));
        }

        var schema = _plan.Plan.Target.Schema ?? "public";
        var tables = entities.Select(e => TableSpec.From(e, schema, _plan.Plan.Backfill.ChunkSize)).ToList();
        var connection = await _target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await TargetSchema.EnsureControlTablesAsync(connection, schema, cancellationToken).ConfigureAwait(false);
            foreach (var table in tables)
            {
                using var exists = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection);
                exists.Parameters.AddWithValue("name", table.TargetName);
                if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    throw new BackfillException(BackfillError.TargetMismatch,
                        $"Entity '{table.Entity}': the target table {table.TargetSchema}.{table.TargetTable} does not exist; run `dualwrite backfill run --plan {_plan.Plan.File}` first.");
                }
            }
        }

        var source = new MySqlDataSource(_sourceConnectionString);
        await using (source.ConfigureAwait(false))
        {
            var feed = new CatchUpFeed(source, _target, schema, _plan.Plan.Name, _time);
            var engine = new Reconciler(options, _time);
            var reports = new List<EntityReport>();
            foreach (var table in tables)
            {
                var checkpoints = new PlanCheckpoints(_target, schema, _plan.Plan.Name, table.Entity, PlanReconcilePair.Fingerprint(table));
                var pair = new PlanReconcilePair(table, source, _target, feed, Math.Max(1, _plan.Plan.Backfill.Parallelism), checkpoints);
                reports.Add(await engine.RunAsync(pair, checkpoints, progress, cancellationToken).ConfigureAwait(false));
            }

            return new ReconcileReport(_plan.Plan.Name, reports, _time.GetUtcNow());
        }
    }
}
