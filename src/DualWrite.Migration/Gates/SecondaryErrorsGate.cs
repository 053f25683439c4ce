using System.Globalization;
using DualWrite.Core.Phases;
using DualWrite.Migration.Plans;
using DualWrite.MySql.Control;
using DualWrite.MySql.Health;
using MySqlConnector;

namespace DualWrite.Migration.Gates;

/// <summary>
/// Judges the phase being left by what the application's decorators did in it: the share of secondary writes that
/// failed, and of compared shadow reads that mismatched, must stay under the plan's bounds
/// (<see cref="SecondaryErrorSettings"/>) over its window — never counting from before the entity entered the phase.
/// The figures are the health reports application instances publish beside the phase tables
/// (<c>UseMySqlHealthReports()</c>). A phase that writes the old store only has nothing to judge and passes; leaving a
/// phase that writes both stores needs reports with at least <see cref="SecondaryErrorSettings.MinOperations"/>
/// secondary writes.
/// </summary>
public sealed class SecondaryErrorsGate : PlanGate
{
    /// <summary>The gate's name.</summary>
    public const string GateName = "secondary-errors";

    private readonly MySqlDataSource _control;
    private readonly PhaseControlTables _tables;

    /// <summary>Creates the gate over a validated plan and the control database that holds the health reports.</summary>
    public SecondaryErrorsGate(ValidatedPlan plan, MySqlDataSource control, PhaseControlTables tables, TimeProvider? time = null)
        : base(plan, time)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(tables);
        _control = control;
        _tables = tables;
    }

    /// <inheritdoc />
    public override string Name => GateName;

    /// <inheritdoc />
    protected override async ValueTask<GateResult> JudgeAsync(ValidatedEntity entity, GateContext context, CancellationToken cancellationToken)
    {
        var bounds = Plan.Plan.SecondaryErrors;
        var now = Time.GetUtcNow();
        var since = now - bounds.Window;
        var span = $"the last {GateText.Duration(bounds.Window)}";
        if (context.FromSince is { } entered && entered > since)
        {
            since = entered;
            span = $"the {GateText.Duration(now - entered)} since it entered {context.From}";
        }

        var name = entity.Plan.Name;
        var totals = await MySqlHealthReports.SumAsync(_control, _tables, name, since, cancellationToken).ConfigureAwait(false);
        var instances = totals.Instances == 1 ? "1 application instance" : string.Create(CultureInfo.InvariantCulture, $"{totals.Instances} application instances");
        if (!context.From.Routing().WritesSecondary)
        {
            return GateResult.Pass(totals.Instances == 0
                ? $"{context.From} writes the old store only: nothing to judge (no application instance reported figures for '{name}' in {span})"
                : $"{context.From} writes the old store only: nothing to judge ({instances} reported in {span})");
        }

        if (totals.Instances == 0)
        {
            return GateResult.Fail(
                $"no application instance reported figures for '{name}' in {span} (table {_tables.HealthTable}), so the secondary writes of {context.From} cannot be judged: " +
                "have the application call UseMySqlHealthReports() on its AddDualWrite builder, with UseMySqlPhaseControl on this control database");
        }

        if (totals.SecondaryWrites < bounds.MinOperations)
        {
            return GateResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"only {totals.SecondaryWrites} secondary writes of '{name}' in {span} ({instances}), fewer than secondaryErrors.minOperations ({bounds.MinOperations}): wait for more traffic, or widen secondaryErrors.window"));
        }

        var problems = new List<string>();
        var errorRate = (double)totals.SecondaryErrors / totals.SecondaryWrites;
        var errors = string.Create(CultureInfo.InvariantCulture, $"secondary write error rate {GateText.Rate(errorRate)} ({totals.SecondaryErrors} of {totals.SecondaryWrites})");
        if (errorRate > bounds.MaxErrorRate)
        {
            problems.Add($"{errors} is over secondaryErrors.maxErrorRate ({GateText.Rate(bounds.MaxErrorRate)}): see why the secondary store fails (the repair log holds every failed write)");
        }

        string mismatches;
        if (totals.ShadowReads < bounds.MinOperations)
        {
            mismatches = string.Create(CultureInfo.InvariantCulture,
                $"mismatch rate not judged ({totals.ShadowReads} shadow reads compared, fewer than secondaryErrors.minOperations; ShadowReads.SampleRate sets how many reads are shadowed)");
        }
        else
        {
            var mismatchRate = (double)totals.ShadowMismatches / totals.ShadowReads;
            mismatches = string.Create(CultureInfo.InvariantCulture, $"shadow read mismatch rate {GateText.Rate(mismatchRate)} ({totals.ShadowMismatches} of {totals.ShadowReads})");
            if (mismatchRate > bounds.MaxMismatchRate)
            {
                problems.Add($"{mismatches} is over secondaryErrors.maxMismatchRate ({GateText.Rate(bounds.MaxMismatchRate)}): reconcile the entity and find what writes one store only");
            }
        }

        return problems.Count > 0
            ? GateResult.Fail($"in {span} ({instances}): {string.Join("; ", problems)}")
            : GateResult.Pass($"{errors} and {mismatches} in {span} ({instances}), under the bounds");
    }
}
