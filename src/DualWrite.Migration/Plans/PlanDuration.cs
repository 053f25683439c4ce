using System.Globalization;
using System.Text.RegularExpressions;

namespace DualWrite.Migration.Plans;

/// <summary>Durations as plans (and the command line) write them: a whole number and a unit, <c>500ms</c>, <c>2s</c>, <c>1m</c>, <c>1h</c>.</summary>
public static partial class PlanDuration
{
    /// <summary>What a duration looks like, for error messages.</summary>
    public const string Expected = "a whole number followed by ms, s, m or h (for example 500ms, 2s, 1m)";

    /// <summary>Parses <paramref name="text"/>; false when it is not a duration or too long for a <see cref="TimeSpan"/>.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = default;
        var match = Pattern().Match(text.Trim());
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        var milliseconds = match.Groups[2].Value switch
        {
            "ms" => 1L,
            "s" => 1_000L,
            "m" => 60_000L,
            _ => 3_600_000L,
        };
        if (amount > TimeSpan.MaxValue.TotalMilliseconds / milliseconds)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(amount * milliseconds);
        return true;
    }

    [GeneratedRegex(@"^([0-9]+)(ms|s|m|h)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
