using System.Globalization;
using System.Text;

namespace DualWrite.Testing;

/// <summary>
/// The fault campaign's common parts. Each fault is a test (trait <c>Category=Faults</c>) that injects its fault a
/// number of times against the real servers, records one <see cref="FaultResult"/> row, then asserts that every run
/// passed with nothing lost and nothing different. The suite runs the short form (a few runs of each);
/// <c>eng/faults.sh</c> runs the long form (<c>DUALWRITE_FAULTS=long</c>) and prints the rows as a table
/// (docs/reliability.md).
/// </summary>
public static class FaultCampaign
{
    public const string Category = "Faults";

    /// <summary>Whether this is the long form (eng/faults.sh), not the suite's short one.</summary>
    public static bool Long => string.Equals(Environment.GetEnvironmentVariable("DUALWRITE_FAULTS"), "long", StringComparison.OrdinalIgnoreCase);

    /// <summary>How many times a fault is injected: <paramref name="shortForm"/> in the suite, <paramref name="longForm"/> in the long form.</summary>
    public static int Runs(int shortForm, int longForm) => Long ? longForm : shortForm;

    /// <summary>A duration of the fault itself (an outage): <paramref name="shortForm"/> in the suite, <paramref name="longForm"/> in the long form.</summary>
    public static TimeSpan Duration(TimeSpan shortForm, TimeSpan longForm) => Long ? longForm : shortForm;

    private static readonly Lock Gate = new();

    /// <summary>
    /// Appends the fault's row to the file DUALWRITE_FAULTS_RESULTS names (eng/faults.sh prints it), when set, and
    /// returns the row as one line for the test's output.
    /// </summary>
    public static string Record(FaultResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var line = result.ToTsv();
        if (Environment.GetEnvironmentVariable("DUALWRITE_FAULTS_RESULTS") is { Length: > 0 } file)
        {
            lock (Gate)
            {
                File.AppendAllText(file, line + "\n", new UTF8Encoding(false));
            }
        }

        return line.Replace('\t', ' ');
    }
}

/// <summary>One fault's row in the campaign table.</summary>
/// <param name="Fault">What was injected, e.g. "kill -9 of backfill (snapshot + catch-up)".</param>
/// <param name="Runs">How many times it was injected.</param>
/// <param name="Passed">How many of the runs ended as they must (equal sides, typed error, ...).</param>
/// <param name="LostWrites">Acknowledged writes missing at the end, over all runs.</param>
/// <param name="Differences">Differences the final checks found, over all runs (reconciler and stock-client dumps).</param>
/// <param name="Recovery">The longest time from the fault's end to the state being whole again, when the fault has one.</param>
/// <param name="Detail">What else a reader needs (e.g. kills in snapshot / catch-up, error types seen).</param>
public sealed record FaultResult(string Fault, int Runs, int Passed, long LostWrites, long Differences, TimeSpan? Recovery, string Detail)
{
    public string ToTsv() => string.Join('\t',
        Fault,
        Runs.ToString(CultureInfo.InvariantCulture),
        Passed.ToString(CultureInfo.InvariantCulture),
        LostWrites.ToString(CultureInfo.InvariantCulture),
        Differences.ToString(CultureInfo.InvariantCulture),
        Recovery is { } r ? r.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-",
        Detail.Replace('\t', ' ').Replace('\n', ' '));
}
