using System.Globalization;
using DualWrite.Core.Phases;
using DualWrite.Migration.Plans;

namespace DualWrite.Migration.Gates;

/// <summary>What the plan gates share: finding the entity in the plan, and how their reasons write times, durations and rates.</summary>
internal static class GateText
{
    /// <summary>The plan's entity named by <paramref name="context"/>, or the failure that says the plan has none.</summary>
    public static ValidatedEntity? Entity(ValidatedPlan plan, GateContext context, out GateResult failure)
    {
        var entity = plan.Entities.FirstOrDefault(e => string.Equals(e.Plan.Name, context.Entity, StringComparison.Ordinal));
        failure = entity is null
            ? GateResult.Fail($"the plan {plan.Plan.File} has no entity '{context.Entity}' (it has {string.Join(", ", plan.Entities.Select(e => e.Plan.Name))})")
            : default;
        return entity;
    }

    /// <summary>Whether <paramref name="phase"/> reads or writes the new store: the moves into it need the stores to agree.</summary>
    public static bool UsesNewStore(MigrationPhase phase) => phase >= MigrationPhase.DualWriteReadOld;

    /// <summary>A duration the way plans write them (<c>1h 5m</c>, <c>30s</c>, <c>1.5s</c>, <c>250ms</c>).</summary>
    public static string Duration(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            value = TimeSpan.Zero;
        }

        if (value >= TimeSpan.FromHours(1))
        {
            var hours = (long)value.TotalHours;
            return value.Minutes == 0 ? Invariant($"{hours}h") : Invariant($"{hours}h {value.Minutes}m");
        }

        if (value >= TimeSpan.FromMinutes(1))
        {
            return value.Seconds == 0 ? Invariant($"{value.Minutes}m") : Invariant($"{value.Minutes}m {value.Seconds}s");
        }

        return value >= TimeSpan.FromSeconds(1) ? Invariant($"{Math.Floor(value.TotalSeconds * 10) / 10:0.#}s") : Invariant($"{(long)value.TotalMilliseconds}ms");
    }

    /// <summary>A UTC time to the second.</summary>
    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A rate as a percentage with enough digits for a bound of 0.001.</summary>
    public static string Rate(double value) => Invariant($"{value * 100:0.###}%");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
