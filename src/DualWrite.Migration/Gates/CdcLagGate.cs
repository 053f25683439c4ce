using DualWrite.Core.Phases;
using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;
using Npgsql;

namespace DualWrite.Migration.Gates;

/// <summary>
/// Refuses a move into a phase that reads or writes the new store unless the plan's catch-up is running with its lag
/// under <see cref="CdcSettings.EffectiveLagBound"/>. The catch-up runs in another process; it publishes its measured
/// lag and when it measured it in its checkpoint table (<c>dualwrite_backfill_plans</c>, about once a second), and a
/// measurement older than <see cref="StaleAfter"/> means it is not running.
/// </summary>
public sealed class CdcLagGate : NewStoreGate
{
    /// <summary>The gate's name.</summary>
    public const string GateName = "cdc-lag";

    /// <summary>How old the last measurement may be: a catch-up that runs measures far more often (after every batch or idle wait).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(5);

    /// <summary>Creates the gate over a validated plan and its target.</summary>
    public CdcLagGate(ValidatedPlan plan, NpgsqlDataSource target, TimeProvider? time = null)
        : base(plan, target, time)
    {
    }

    /// <inheritdoc />
    public override string Name => GateName;

    /// <summary>
    /// The lag the plan's catch-up last published and when it measured it (what this gate judges), or null when no
    /// catch-up of the plan ever measured one.
    /// </summary>
    public static Task<(TimeSpan Lag, DateTimeOffset MeasuredAt)?> ReadLagAsync(ValidatedPlan plan, NpgsqlConnection target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new Checkpoints(plan.Plan.Name, plan.Plan.Target.Schema ?? "public").LoadLagAsync(target, cancellationToken);
    }

    /// <inheritdoc />
    protected override async ValueTask<GateResult> JudgeAsync(
        ValidatedEntity entity, GateContext context, NpgsqlConnection target, string schema, CancellationToken cancellationToken)
    {
        var plan = Plan.Plan;
        var measured = await new Checkpoints(plan.Name, schema).LoadLagAsync(target, cancellationToken).ConfigureAwait(false);
        var run = $"`dualwrite backfill run --plan {plan.File} --follow`";
        if (measured is not { } last)
        {
            return GateResult.Fail($"no catch-up of plan '{plan.Name}' has measured its lag (none in {schema}.dualwrite_backfill_plans): start {run} and keep it running");
        }

        var age = Time.GetUtcNow() - last.MeasuredAt;
        if (age > StaleAfter)
        {
            return GateResult.Fail(
                $"the catch-up of plan '{plan.Name}' last measured its lag {GateText.Duration(age)} ago (at {GateText.Time(last.MeasuredAt)}), so it is not running: start {run}");
        }

        var bound = plan.Cdc.EffectiveLagBound;
        var figures = $"the catch-up's lag is {GateText.Duration(last.Lag)} (measured {GateText.Duration(age)} ago)";
        return last.Lag < bound
            ? GateResult.Pass($"{figures}, under cdc.lagBound ({GateText.Duration(bound)})")
            : GateResult.Fail($"{figures}, not under cdc.lagBound ({GateText.Duration(bound)}): let it catch up, or find what slows it (the target's load, large transactions)");
    }
}
