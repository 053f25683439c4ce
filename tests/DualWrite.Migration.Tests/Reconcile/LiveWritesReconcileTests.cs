using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Tests.Engine;
using DualWrite.Testing;

namespace DualWrite.Migration.Tests.Reconcile;

/// <summary>
/// Reconciling while the source is written: with the catch-up running, the writes in flight are re-checked and none is
/// reported; with the catch-up stopped, the keys written since are reported as lag, not as divergence.
/// </summary>
public sealed class LiveWritesReconcileTests
{
    private const int Seeded = 5_000;

    [Fact]
    public async Task UnderLiveWrites_WithTheCatchUpRunning_NoFalseDifference_AndWithItStopped_TheNewWritesLag()
    {
        await using var rig = await BackfillRig.CreateAsync("rc_live");
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, Seeded);
        var plan = await rig.PlanOverAsync(BackfillRig.Entity("t"));
        await using var backfill = await FollowingBackfill.StartAsync(rig, plan);
        var writer = new SourceWriter(rig.Source, Seeded, seed: 7);
        using var stopWriting = new CancellationTokenSource();
        var writing = writer.RunAsync(stopWriting.Token);
        try
        {
            var before = writer.Operations;
            await Eventually.WaitUntilAsync(() => writer.Operations >= before + 200 || writing.IsCompleted, "200 writer operations with the catch-up running");

            // Once the first chunk is compared, the run holds on until the writer has committed more: the rest of the
            // table is compared under those writes, however fast the machine.
            long? atFirstChunk = null;
            var holdOn = new ChunkProgress(_ =>
            {
                if (atFirstChunk is null)
                {
                    atFirstChunk = writer.Operations;
                    SpinWait.SpinUntil(() => writer.Operations >= atFirstChunk + 50 || writing.IsCompleted, Eventually.DefaultTimeout);
                }
            });
            var live = await rig.ReconcilePlanAsync(plan, new ReconcileOptions { ChunkSize = 250, Parallelism = 2, Fresh = true }, holdOn);
            var duringRun = writer.Operations - atFirstChunk;

            live.Clean.Should().BeTrue("a write in flight is re-checked once the catch-up has passed it: " + BackfillRig.Describe(live));
            duringRun.Should().BeGreaterThan(0, "the writer kept writing while the reconcile ran");
            live.SourceRows.Should().BeGreaterThan(Seeded / 2);
            live.VerifiedAs.Should().NotBeNull("the catch-up reached the source's head at the end");
        }
        finally
        {
            await stopWriting.CancelAsync();
            await writing;
        }

        // Everything the writer did is applied; then the catch-up stops and the source moves on without it.
        await backfill.DrainAsync();
        await backfill.StopAsync();
        var ids = await SourceIdsAsync(rig, 8);
        var updated = ids.Take(4).ToList();
        var deleted = ids.Skip(4).ToList();
        long[] inserted = [1_000_001, 1_000_002, 1_000_003];
        await rig.ExecuteAsync($"UPDATE t SET val = 'after the stop' WHERE id IN ({string.Join(", ", updated)})");
        await rig.ExecuteAsync($"DELETE FROM t WHERE id IN ({string.Join(", ", deleted)})");
        await rig.ExecuteAsync($"INSERT INTO t VALUES {string.Join(", ", inserted.Select(i => $"({i}, 1, 'after the stop', 1.00)"))}");

        var stopped = await rig.ReconcilePlanAsync(plan, new ReconcileOptions { ChunkSize = 250, Parallelism = 2, Fresh = true, RecheckBound = TimeSpan.FromSeconds(2) });

        var describe = BackfillRig.Describe(stopped);
        stopped.Lagging.Should().Be(updated.Count + deleted.Count + inserted.Length, describe);
        (stopped.Missing, stopped.Extra, stopped.Differing).Should().Be((0L, 0L, 0L), "a write the stopped catch-up never applied is lag, not divergence: " + describe);
        stopped.Samples.Should().OnlyContain(s => s.Kind == DifferenceKind.TargetBehind);
        stopped.Samples.Select(s => Convert.ToInt64(s.Key.Values[0])).Should().BeEquivalentTo(updated.Concat(deleted).Concat(inserted));
        stopped.Samples.Where(s => updated.Contains(Convert.ToInt64(s.Key.Values[0]))).Should().OnlyContain(s => s.Columns.SequenceEqual(new[] { "val" }));
        stopped.VerifiedAs.Should().BeNull("the stopped catch-up never applies the source's head");
        stopped.Clean.Should().BeFalse();
    }

    /// <summary>The first <paramref name="count"/> keys of the source table, in key order.</summary>
    private static async Task<List<long>> SourceIdsAsync(BackfillRig rig, int count)
    {
        await using var connection = await rig.Source.OpenConnectionAsync();
        await using var command = new MySqlConnector.MySqlCommand($"SELECT id FROM t WHERE id > 0 ORDER BY id LIMIT {count}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        ids.Should().HaveCount(count);
        return ids;
    }
}
