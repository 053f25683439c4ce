using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Tests.Engine;

namespace DualWrite.Migration.Tests.Reconcile;

/// <summary>
/// A reconciliation interrupted once some chunks are recorded, then run again: resumed, it takes the recorded chunks as
/// they are and compares only the rest, to the result a fresh run gets; with Fresh, it compares everything again.
/// </summary>
public sealed class ResumeReconcileTests
{
    private const int Seeded = 3_000;
    private const int ChunkSize = 100;

    private static readonly ReconcileOptions Options = new() { ChunkSize = ChunkSize, Parallelism = 2, MaxSamples = 1000 };

    [Fact]
    public async Task AnInterruptedRun_Resumes_WithoutComparingItsRecordedChunksAgain_AndEndsAsAFreshRunDoes()
    {
        await using var rig = await BackfillRig.CreateAsync("rc_resume");
        var (plan, backfill) = await SeededAsync(rig);
        await using var _ = backfill;
        // A differing row in every chunk, so recorded chunks and compared ones both carry differences.
        await rig.ExecuteOnTargetAsync($"UPDATE \"{rig.Schema}\".t SET val = 'diverged' WHERE id % {ChunkSize} = 50");
        var diverged = Enumerable.Range(0, Seeded / ChunkSize).Select(i => (long)(i * ChunkSize) + 50).ToList();

        await InterruptAsync(rig, plan);
        var recorded = await RecordedChunk.ReadAsync(rig, "t");
        recorded.Should().HaveCountGreaterThanOrEqualTo(2, "the run was stopped once two chunks were recorded");

        var resumed = await rig.ReconcilePlanAsync(plan, Options);

        var chunks = await RecordedChunk.ReadAsync(rig, "t", recorded[0].RunId);
        resumed.ChunksResumed.Should().Be(recorded.Count);
        recorded.Count.Should().BeLessThan((int)resumed.Chunks, "the interrupted run stopped before the end");
        chunks.Should().HaveCount((int)resumed.Chunks, "the resumed run is the interrupted one, continued");
        chunks.Where(c => recorded.Any(r => (r.Range, r.Chunk) == (c.Range, c.Chunk)))
            .Should().BeEquivalentTo(recorded, "a recorded chunk is taken as it is, not compared (and recorded) again");
        Keys(resumed).Should().BeEquivalentTo(diverged, "the recorded chunks' differences are kept with them: " + BackfillRig.Describe(resumed));

        var fresh = await rig.ReconcilePlanAsync(plan, Options with { Fresh = true });

        fresh.ChunksResumed.Should().Be(0);
        Figures(resumed).Should().Be(Figures(fresh), "a resumed run's result equals a fresh run's over the same data");
        resumed.Samples.Select(s => (s.Key.ToString(), s.Kind, string.Join(",", s.Columns)))
            .Should().Equal(fresh.Samples.Select(s => (s.Key.ToString(), s.Kind, string.Join(",", s.Columns))));
        fresh.Differing.Should().Be(diverged.Count);
    }

    [Fact]
    public async Task ARecordedChunk_IsNotComparedAgainOnResume_ButFreshComparesEverything()
    {
        await using var rig = await BackfillRig.CreateAsync("rc_fresh");
        var (plan, backfill) = await SeededAsync(rig);
        await using var _ = backfill;
        await InterruptAsync(rig, plan);
        var recorded = await RecordedChunk.ReadAsync(rig, "t");
        var tampered = recorded.First(c => c.LastKey is not null).LastKey!.Value;

        // Changed after its chunk was recorded as matching: only a run that compares that chunk again can see it.
        await rig.ExecuteOnTargetAsync($"UPDATE \"{rig.Schema}\".t SET val = 'tampered' WHERE id = {tampered}");
        var resumed = await rig.ReconcilePlanAsync(plan, Options);

        resumed.ChunksResumed.Should().Be(recorded.Count);
        resumed.Clean.Should().BeTrue("the tampered row's chunk was taken from the record, not compared again: " + BackfillRig.Describe(resumed));

        await InterruptAsync(rig, plan);
        (await RecordedChunk.ReadAsync(rig, "t")).Should().NotBeEmpty("a second interrupted run left chunks to resume");
        var fresh = await rig.ReconcilePlanAsync(plan, Options with { Fresh = true });

        fresh.ChunksResumed.Should().Be(0, "Fresh forgets the interrupted run's chunks");
        fresh.Chunks.Should().Be(resumed.Chunks);
        fresh.SourceRows.Should().Be(Seeded);
        fresh.Differing.Should().Be(1, BackfillRig.Describe(fresh));
        fresh.Samples.Should().ContainSingle().Which.Columns.Should().Equal("val");
        Keys(fresh).Should().Equal(tampered);
    }

    private static async Task<(ValidatedPlan Plan, FollowingBackfill Backfill)> SeededAsync(BackfillRig rig)
    {
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, Seeded);
        var plan = await rig.PlanOverAsync(BackfillRig.Entity("t"));
        return (plan, await FollowingBackfill.StartAsync(rig, plan));
    }

    /// <summary>Runs a reconciliation and cancels it once two chunks are recorded.</summary>
    private static async Task InterruptAsync(BackfillRig rig, ValidatedPlan plan)
    {
        using var stop = new CancellationTokenSource();
        var progress = new ChunkProgress(p =>
        {
            if (p.Chunks >= 2 && !stop.IsCancellationRequested)
            {
                // Not on the reporting thread: cancellation callbacks must not run inside the reconciler's tally.
                _ = stop.CancelAsync();
            }
        });
        var run = () => rig.ReconcilePlanAsync(plan, Options, progress, stop.Token);
        await run.Should().ThrowAsync<OperationCanceledException>();
    }

    private static IEnumerable<long> Keys(EntityReport report) => report.Samples.Select(s => Convert.ToInt64(s.Key.Values[0]));

    private static (long SourceRows, long TargetRows, long Chunks, long Matching, long Missing, long Extra, long Differing, long Lagging) Figures(EntityReport r) =>
        (r.SourceRows, r.TargetRows, r.Chunks, r.Matching, r.Missing, r.Extra, r.Differing, r.Lagging);
}
