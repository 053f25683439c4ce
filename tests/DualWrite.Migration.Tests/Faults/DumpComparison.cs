using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DualWrite.Migration.Tests.Engine;
using DualWrite.Testing;

namespace DualWrite.Migration.Tests.Faults;

/// <summary>
/// The independent check: both sides of the writer's table <c>t</c> dumped with the stock clients (<c>mariadb</c>,
/// <c>psql</c>) by <c>eng/dump-compare.sh</c> in one text form, and compared line by line. Nothing of the product's code
/// takes part.
/// </summary>
/// <param name="SourceOnly">Dump lines of the source the target lacks: acknowledged rows missing or different in the target.</param>
/// <param name="TargetOnly">Dump lines of the target the source lacks: rows the target should not have, or has different.</param>
/// <param name="Output">What the script printed (row counts, the first differing lines).</param>
internal sealed partial record DumpComparison(long SourceOnly, long TargetOnly, string Output)
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(2);

    /// <summary>Every differing line, both sides.</summary>
    public long DifferingLines => SourceOnly + TargetOnly;

    /// <summary>Dumps and compares the rig's table <c>t</c> on the servers it is on.</summary>
    public static async Task<DumpComparison> RunAsync(BackfillRig rig, bool onFaultServers)
    {
        ArgumentNullException.ThrowIfNull(rig);
        var script = Path.Combine(MariaDbServer.RepositoryRoot(), "eng", "dump-compare.sh");
        List<string> arguments = [script, "--database", rig.Database, "--schema", rig.Schema, "--table", "t", "--key", "id", "--columns", "id,grp,val,amount"];
        if (onFaultServers)
        {
            arguments.Add("--faults");
        }

        var start = new ProcessStartInfo("bash", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DUALWRITE_MYSQL_FAULTS_PORT"] = MariaDbFaultServer.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["DUALWRITE_PG_FAULTS_PORT"] = PostgreSqlFaultServer.Port.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start eng/dump-compare.sh");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var safetyNet = new CancellationTokenSource(SafetyNet))
        {
            await process.WaitForExitAsync(safetyNet.Token);
        }

        var output = (await stdout) + (await stderr);
        return process.ExitCode switch
        {
            0 => new DumpComparison(0, 0, output),
            1 => new DumpComparison(Count(SourceOnlyLine(), output), Count(TargetOnlyLine(), output), output),
            var code => throw new InvalidOperationException($"eng/dump-compare.sh failed with {code}: {output}"),
        };
    }

    private static long Count(Regex line, string output) =>
        line.Match(output) is { Success: true } m
            ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"eng/dump-compare.sh printed no count ({line}): {output}");

    [GeneratedRegex(@"^source lines not in target: (\d+)$", RegexOptions.Multiline)]
    private static partial Regex SourceOnlyLine();

    [GeneratedRegex(@"^target lines not in source: (\d+)$", RegexOptions.Multiline)]
    private static partial Regex TargetOnlyLine();
}
