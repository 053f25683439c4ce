using DualWrite.Testing;
using System.Diagnostics;
using Xunit.Abstractions;

namespace DualWrite.Migration.Tests.Faults;

/// <summary>
/// The campaign's kill -9 fault: <c>dualwrite backfill run --follow</c> killed with SIGKILL at observed points (rows
/// committed in the snapshot, catch-up position moves), while a writer changes the source; every kill is followed by a
/// resume (the next run), and each plan run's last resume must end with both sides equal, by the reconciler and by the
/// stock clients' dumps. On the main servers: nothing here stops a server.
/// </summary>
[Trait("Category", FaultCampaign.Category)]
public sealed class KillFaults(ITestOutputHelper output)
{
    private const int Seeded = 20_000;
    private const int KillsPerPlanRun = 5;

    [Fact]
    public async Task BackfillKilledAtObservedPoints_EveryResumeEndsEqualWithNothingLost()
    {
        var kills = FaultCampaign.Runs(3, 50);
        var killedIn = new List<string>();
        var outcomes = new List<FaultOutcome>();
        var passedKills = 0;
        Exception? failure = null;
        try
        {
            for (var planRun = 0; killedIn.Count < kills; planRun++)
            {
                var seed = 1500 + planRun;
                var random = new Random(seed);
                await using var backfill = await FaultBackfill.StartAsync("kf", Seeded, seed, onFaultServers: false, maxRowsPerSecond: 5000);
                var thisRun = Math.Min(KillsPerPlanRun, kills - killedIn.Count);
                for (var kill = 0; kill < thisRun; kill++)
                {
                    // The first kill of a plan run falls in the snapshot, so its resumes have committed chunks to keep.
                    killedIn.Add(await backfill.KillAtRandomPointAsync(random, inSnapshotIfAny: kill == 0));
                }

                var outcome = await backfill.FinishAsync(Stopwatch.StartNew());
                outcomes.Add(outcome);
                passedKills += outcome.Passed ? thisRun : 0;
                output.WriteLine($"plan run {planRun} (seed {seed}): {thisRun} kills ({string.Join(", ", killedIn.TakeLast(thisRun))}), " +
                    $"{outcome.CopiedBeforeResume:N0} rows committed before the last resume, {backfill.Writer.Operations:N0} writes; " +
                    $"recovered in {outcome.Recovery.TotalSeconds:0.0} s; {(outcome.Passed ? "equal" : outcome.Problems)}");
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        var snapshotKills = killedIn.Count(k => k == "snapshot");
        var row = new FaultResult(
            "kill -9 of backfill run --follow (snapshot + catch-up)",
            killedIn.Count,
            passedKills,
            outcomes.Sum(o => o.LostWrites),
            outcomes.Sum(o => o.Differences),
            outcomes.Count > 0 ? outcomes.Max(o => o.Recovery) : null,
            $"{snapshotKills} kills in the snapshot, {killedIn.Count - snapshotKills} in the catch-up; {outcomes.Count} plan runs of up to {KillsPerPlanRun} kills, " +
            $"each run's last resume checked by the reconciler and the mariadb/psql dumps{(failure is null ? "" : "; failed: " + failure.GetType().Name)}");
        output.WriteLine(FaultCampaign.Record(row));

        failure.Should().BeNull(failure?.ToString());
        outcomes.Should().OnlyContain(o => o.Passed, string.Join("\n", outcomes.Select(o => o.Problems)));
        row.LostWrites.Should().Be(0);
        row.Differences.Should().Be(0);
        killedIn.Should().HaveCount(kills);
    }
}
