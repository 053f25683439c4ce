using System.Globalization;

namespace DualWrite.Migration.Gates;

/// <summary>How the plan gates' reasons write times, durations and rates.</summary>
internal static class GateText
{
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
