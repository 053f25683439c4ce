using System.Globalization;
using DualWrite.Core.Phases;
using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Reconcile;
using Npgsql;

namespace DualWrite.Migration.Gates;

/// <summary>
/// Refuses a move into a phase that reads or writes the new store unless the entity's last finished reconciliation
/// (<see cref="ReconcileRuns"/>, in the target's control schema) found the stores agreeing, finished less than
/// <see cref="ReconcileSettings.MaxAge"/> ago, after the entity entered its current phase, and compared the shapes the
/// plan maps now (its schema fingerprint): a report from before a phase change or a DDL statement proves nothing about
/// the stores as they are.
/// </summary>
public sealed class ReconciledGate : NewStoreGate
{
    /// <summary>The gate's name.</summary>
    public const string GateName = "reconciled";

    /// <summary>Creates the gate over a plan validated against its source now (its mapping is the current one) and its target.</summary>
    public ReconciledGate(ValidatedPlan plan, NpgsqlDataSource target, TimeProvider? time = null)
        : base(plan, target, time)
    {
    }

    /// <inheritdoc />
    public override string Name => GateName;

    /// <inheritdoc />
    protected override async ValueTask<GateResult> JudgeAsync(
        ValidatedEntity entity, GateContext context, NpgsqlConnection target, string schema, CancellationToken cancellationToken)
    {
        var plan = Plan.Plan;
        var last = await ReconcileRuns.LastFinishedAsync(target, schema, plan.Name, entity.Plan.Name, cancellationToken).ConfigureAwait(false);
        var again = $"run `dualwrite reconcile --plan {plan.File} --entity {entity.Plan.Name}`";
        if (last is null)
        {
            return GateResult.Fail($"entity '{entity.Plan.Name}' was never reconciled to the end (no finished run of plan '{plan.Name}' in {schema}.dualwrite_reconcile_runs): {again}");
        }

        var now = Time.GetUtcNow();
        var run = string.Create(CultureInfo.InvariantCulture, $"the last reconciliation of '{entity.Plan.Name}' (run {last.RunId}, finished {GateText.Time(last.FinishedAt)})");
        if (!last.Clean)
        {
            var differences = last.Differences == 1 ? "1 difference" : string.Create(CultureInfo.InvariantCulture, $"{last.Differences} differences");
            return GateResult.Fail($"{run} found {differences} (missing, extra, differing or lagging keys): see its report, repair or remove the cause, then {again}");
        }

        var age = now - last.FinishedAt;
        if (age > plan.Reconcile.MaxAge)
        {
            return GateResult.Fail($"{run} is {GateText.Duration(age)} old, older than reconcile.maxAge ({GateText.Duration(plan.Reconcile.MaxAge)}): {again}");
        }

        if (context.FromSince is not { } since)
        {
            return GateResult.Fail($"the phase control did not say when '{entity.Plan.Name}' entered {context.From}, so {run} cannot be checked against the last phase change");
        }

        if (last.FinishedAt < since)
        {
            return GateResult.Fail($"{run} is from before the entity's last phase change (it entered {context.From} at {GateText.Time(since)}): {again} now, in {context.From}");
        }

        var table = TableSpec.From(entity, schema, plan.Backfill.ChunkSize);
        var fingerprint = CurrentFingerprint(table);
        if (!string.Equals(last.SchemaFingerprint, fingerprint, StringComparison.Ordinal))
        {
            return GateResult.Fail(
                $"{run} compared another shape of {table}: the source table or the plan's mapping changed since (a DDL statement?). Its schema fingerprint is " +
                $"'{last.SchemaFingerprint}', the plan's mapping is now '{fingerprint}': {again}; if the target no longer fits, re-snapshot first " +
                $"(`dualwrite backfill run --plan {plan.File} --resnapshot`)");
        }

        return GateResult.Pass($"{run} is clean, {GateText.Duration(age)} old" + (last.VerifiedAs is { } verified ? $", verified as of {verified}" : ""));
    }

    /// <summary>The schema fingerprint a reconciliation of <paramref name="table"/> stores when it compares the table as the plan maps it now.</summary>
    internal static string CurrentFingerprint(TableSpec table) => Reconcile.PlanReconcilePair.Fingerprint(table);
}
