using System.Diagnostics;
using DualWrite.Testing;
using MySqlConnector;
using Xunit.Abstractions;

namespace DualWrite.Migration.Tests.Faults;

/// <summary>
/// The campaign's server restarts, on the fault servers only: MariaDB crashed (SIGKILL) and started again in the middle
/// of the snapshot and of the catch-up, PostgreSQL crashed and started again in the middle of the catch-up, while
/// <c>dualwrite backfill run --follow</c> runs and a writer changes the source. The CLI must either ride through (its
/// catch-up reaches the source's head after the restart) or exit with a typed error and a documented exit code — never
/// an unhandled exception or a hang — and a resume (<c>backfill run</c> again) must end with both sides equal and nothing lost.
/// </summary>
[Trait("Category", FaultCampaign.Category)]
public sealed class ServerRestartFaults(ITestOutputHelper output)
{
    private const int Seeded = 20_000;

    /// <summary>The exit code of a server that went away (ErrorReport): unreachable, or shutting down, never "rejected a statement".</summary>
    private static readonly int[] TypedExitCodes = [DualWrite.Cli.ExitCodes.ConnectionFailed];

    public enum Restart
    {
        MariaDbMidSnapshot,
        MariaDbMidCatchUp,
        PostgreSqlMidCatchUp,
    }

    [Theory]
    [InlineData(Restart.MariaDbMidSnapshot)]
    [InlineData(Restart.MariaDbMidCatchUp)]
    [InlineData(Restart.PostgreSqlMidCatchUp)]
    public async Task ServerCrashedAndRestarted_BackfillRidesThroughOrExitsTyped_ResumeEndsEqual(Restart restart)
    {
        await using var faults = await FaultServerLock.AcquireAsync();
        var runs = FaultCampaign.Runs(1, 5);
        var outcomes = new List<FaultOutcome>();
        var seen = new List<string>();
        Exception? failure = null;
        try
        {
            for (var run = 0; run < runs; run++)
            {
                var seed = 2500 + (10 * (int)restart) + run;
                await using var backfill = await FaultBackfill.StartAsync("rs", Seeded, seed, onFaultServers: true, maxRowsPerSecond: 5000);
                using var cli = backfill.Start(follow: true);
                var random = new Random(seed);
                if (restart == Restart.MariaDbMidSnapshot)
                {
                    await backfill.WaitForRowsAsync(cli, random.Next(2, 10) * FaultBackfill.ChunkSize);
                }
                else
                {
                    await backfill.WaitForCatchUpMovesAsync(cli, random.Next(1, 4));
                }

                var landedIn = (await backfill.StateAsync()).SnapshotDone ? "catch-up" : "snapshot";
                await CrashAndStartAsync(restart, backfill);
                var sinceRestart = Stopwatch.StartNew();

                // Either the CLI exits, or its catch-up passes the source's head as it is after the restart.
                var head = await backfill.Rig.MasterPositionAsync();
                await Eventually.WaitUntilAsync(
                    async () => cli.ExitCode is not null || await backfill.StateAsync() is { SnapshotDone: true, CatchUpAt: { } at } && at >= head,
                    "the CLI to exit or to ride through the restart",
                    FaultBackfill.SafetyNet);
                var outcome = cli.ExitCode is { } code ? $"exit {code}" : "rode through";
                var typed = cli.ExitCode is not { } exit
                    || (TypedExitCodes.Contains(exit) && cli.Output.Contains("error", StringComparison.Ordinal) && !cli.Output.Contains("Unhandled exception", StringComparison.Ordinal));
                cli.Kill();
                seen.Add($"{landedIn}: {outcome}");
                output.WriteLine($"run {run} (seed {seed}): crashed in the {landedIn}, the CLI {outcome}. Its output:\n{cli.Output}");

                var result = await backfill.FinishAsync(sinceRestart);
                var problems = result.Problems;
                if (!typed)
                {
                    problems = $"the CLI ended untyped ({outcome}): {cli.Output}; {problems}";
                }

                if (landedIn != Expected(restart))
                {
                    problems = $"the crash fell in the {landedIn}, not the {Expected(restart)}; {problems}";
                }

                outcomes.Add(result with { Passed = result.Passed && typed && landedIn == Expected(restart), Problems = problems });
                output.WriteLine($"run {run}: recovered in {result.Recovery.TotalSeconds:0.0} s; {(outcomes[^1].Passed ? "equal" : problems)}");
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        var row = new FaultResult(
            restart switch
            {
                Restart.MariaDbMidSnapshot => "MariaDB crash + restart mid-snapshot",
                Restart.MariaDbMidCatchUp => "MariaDB crash + restart mid-catch-up",
                _ => "PostgreSQL crash + restart mid-catch-up",
            },
            runs,
            outcomes.Count(o => o.Passed),
            outcomes.Sum(o => o.LostWrites),
            outcomes.Sum(o => o.Differences),
            outcomes.Count > 0 ? outcomes.Max(o => o.Recovery) : null,
            $"CLI: {string.Join(", ", seen.GroupBy(s => s).Select(g => $"{g.Count()}x {g.Key}"))}; then backfill run again, checked by the reconciler and the mariadb/psql dumps" +
            (failure is null ? "" : "; failed: " + failure.GetType().Name));
        output.WriteLine(FaultCampaign.Record(row));

        failure.Should().BeNull(failure?.ToString());
        outcomes.Should().HaveCount(runs).And.OnlyContain(o => o.Passed, string.Join("\n", outcomes.Select(o => o.Problems)));
        row.LostWrites.Should().Be(0);
        row.Differences.Should().Be(0);
    }

    private static string Expected(Restart restart) => restart == Restart.MariaDbMidSnapshot ? "snapshot" : "catch-up";

    /// <summary>Crashes the server the fault names and starts it again (always, so the next holder of the lock finds it up).</summary>
    private static async Task CrashAndStartAsync(Restart restart, FaultBackfill backfill)
    {
        if (restart == Restart.PostgreSqlMidCatchUp)
        {
            try
            {
                await PostgreSqlFaultServer.KillAsync();
            }
            finally
            {
                PostgreSqlFaultServer.Start();
            }

            // The test's own pooled connections died with the server.
            backfill.Rig.Target.Clear();
        }
        else
        {
            try
            {
                await MariaDbFaultServer.KillAsync();
            }
            finally
            {
                MariaDbFaultServer.Start();
            }

            await MySqlConnection.ClearAllPoolsAsync();
        }
    }
}
