using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;
using DualWrite.MySql.Replication;
using DualWrite.Testing;
using Microsoft.Extensions.Time.Testing;

namespace DualWrite.Migration.Tests.Engine;

/// <summary>The catch-up against the servers: the reader's acknowledgement and the end of a run once caught up.</summary>
public sealed class CatchUpTests
{
    private const int Updated = 30;
    private static readonly BackfillOptions SnapshotOnly = new() { CatchUp = null, ProgressInterval = TimeSpan.Zero };

    [Fact]
    public async Task AfterARun_TheReadersAcknowledgedPosition_IsTheCheckpointTheTargetHolds()
    {
        await using var rig = await BackfillRig.CreateAsync("bf_ack");
        var (table, plan) = await SnapshotThenUpdateAsync(rig, "changed");

        var end = await rig.MasterPositionAsync();
        var checkpoints = new Checkpoints(plan.Name, rig.Schema);
        var progress = new BackfillProgress();
        var catchUp = new CatchUp(plan, [table], rig.Source, rig.Target, checkpoints, progress, rig.Log, TimeProvider.System);

        await catchUp.RunAsync(await CheckpointAsync(rig, checkpoints), new CatchUpStop { At = end }, CancellationToken.None);

        var acknowledged = catchUp.Reader.AcknowledgedPosition;
        acknowledged.Should().NotBeNull();
        acknowledged!.Value.Should().BeGreaterThanOrEqualTo(end);
        (acknowledged.Value with { GtidState = null }).Should().Be(await CheckpointAsync(rig, checkpoints), "the reader is told what the target committed");
        progress.AppliedPosition.Should().Be(acknowledged);
        catchUp.Reader.ReceivedPosition!.Value.Should().BeGreaterThanOrEqualTo(acknowledged.Value);
        (await rig.TargetScalarAsync<string>($"SELECT val FROM \"{rig.Schema}\".t WHERE id = {Updated}")).Should().Be($"changed {Updated}");
    }

    [Fact]
    public async Task ARunThatStopsWhenCaughtUp_EndsOnlyOnceEverythingUpToTheSourceHeadIsApplied()
    {
        await using var rig = await BackfillRig.CreateAsync("bf_caughtup");
        var (table, plan) = await SnapshotThenUpdateAsync(rig, "late");
        var head = await rig.MasterPositionAsync();

        // A steady time far below the lag bound: only the head being reached can make the run end.
        var runner = rig.Runner(plan, table);
        await runner.RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { SteadyFor = TimeSpan.FromMilliseconds(100) }, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);

        runner.Progress.CaughtUp.Should().BeTrue();
        runner.Progress.AppliedPosition!.Value.Should().BeGreaterThanOrEqualTo(head);
        runner.Progress.Lag.Should().BeLessThan(plan.Cdc.EffectiveLagBound);
        (await rig.ReconcileAsync(table)).Clean.Should().BeTrue();
    }

    [Fact]
    public async Task APositionPassedWithNothingForThePlan_IsRecordedAsApplied_AnotherDatabasesTransactionOrARotation()
    {
        await using var rig = await BackfillRig.CreateAsync("bf_passed");
        var (table, plan) = await SnapshotThenUpdateAsync(rig, "passed");
        var checkpoints = new Checkpoints(plan.Name, rig.Schema);
        var other = await MariaDbServer.CreateScratchDatabaseAsync("bf_passed_other");
        using var stop = new CancellationTokenSource();
        var running = rig.Runner(plan, table).RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { WhenCaughtUp = false }, ProgressInterval = TimeSpan.Zero }, stop.Token);
        try
        {
            async Task AppliedAsync(BinlogPosition position, string what) =>
                await Eventually.WaitUntilAsync(async () => running.IsCompleted || await CheckpointAsync(rig, checkpoints) >= position, what);

            await AppliedAsync(await rig.MasterPositionAsync(), "the catch-up to apply the updates");

            // A transaction of another database reaches the catch-up with no change for the plan.
            await MariaDbServer.ExecuteAsync("CREATE TABLE elsewhere (id INT PRIMARY KEY); INSERT INTO elsewhere VALUES (1)", other);
            await AppliedAsync(await rig.MasterPositionAsync(), "the checkpoint to pass another database's transaction");

            // A rotation: the head moves into a new binlog file that holds no transaction at all.
            await rig.ExecuteAsync("FLUSH BINARY LOGS");
            var rotated = await rig.MasterPositionAsync();
            await AppliedAsync(rotated, $"the checkpoint to reach {rotated}, past the rotation");

            running.IsCompleted.Should().BeFalse("the catch-up runs until stopped: " + running.Exception);
            (await CheckpointAsync(rig, checkpoints)).Should().BeGreaterThanOrEqualTo(rotated);
        }
        finally
        {
            await stop.CancelAsync();
            var stopped = async () => await running;
            await stopped.Should().ThrowAsync<OperationCanceledException>();
            await MariaDbServer.DropDatabaseAsync(other);
        }
    }

    [Fact]
    public async Task TheCatchUp_PublishesItsLag_AndWhenItMeasuredIt_OnItsOwnClock()
    {
        await using var rig = await BackfillRig.CreateAsync("bf_lag");
        var (table, plan) = await SnapshotThenUpdateAsync(rig, "measured");
        var checkpoints = new Checkpoints(plan.Name, rig.Schema);
        await using (var before = await rig.Target.OpenConnectionAsync())
        {
            (await checkpoints.LoadLagAsync(before, CancellationToken.None)).Should().BeNull("the snapshot measures no lag");
        }

        var end = await rig.MasterPositionAsync();
        var start = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var clock = new FakeTimeProvider(start);
        var catchUp = new CatchUp(plan, [table], rig.Source, rig.Target, checkpoints, new BackfillProgress(), rig.Log, clock);

        var run = catchUp.RunAsync(await CheckpointAsync(rig, checkpoints), new CatchUpStop { At = end }, CancellationToken.None);
        await Eventually.AdvancingAsync(clock, TimeSpan.FromMilliseconds(50), run, "the catch-up to apply the updates");

        await using var connection = await rig.Target.OpenConnectionAsync();
        var published = await checkpoints.LoadLagAsync(connection, CancellationToken.None);
        published.Should().NotBeNull();
        published!.Value.MeasuredAt.Should().BeOnOrAfter(start).And.BeOnOrBefore(clock.GetUtcNow());
        published.Value.Lag.Should().BeGreaterThanOrEqualTo(TimeSpan.Zero).And.BeLessThanOrEqualTo(clock.GetUtcNow() - start);
    }

    /// <summary>Snapshots a seeded table with the catch-up off, then updates rows 1 to <see cref="Updated"/> one by one, for the catch-up.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task LargeBatches_AppliedOnOneOrSeveralConnectionsSplitByKey_LeaveEveryKeysLastChange(int parallelism)
    {
        await using var rig = await BackfillRig.CreateAsync("bf_split");
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, 5_000);
        var table = await rig.TableAsync("t");
        var plan = rig.Plan() with { Cdc = rig.Plan().Cdc with { BatchSize = 20_000, Parallelism = parallelism } };
        await rig.Runner(plan, table).RunAsync(SnapshotOnly, CancellationToken.None);

        // Each key changed several times inside batches far above the split threshold: whatever connection a key's part
        // lands on, only its last change may stand.
        await rig.ExecuteAsync("UPDATE t SET val = CONCAT('one ', id)");
        await rig.ExecuteAsync("UPDATE t SET val = CONCAT('two ', id) WHERE id % 2 = 0");
        await rig.ExecuteAsync("DELETE FROM t WHERE id % 7 = 0");
        await rig.ExecuteAsync("UPDATE t SET val = CONCAT('three ', id) WHERE id % 3 = 0");
        await rig.ExecuteAsync("INSERT INTO t (id, grp, val, amount) SELECT seq, seq % 10, CONCAT('new ', seq), 1.50 FROM seq_5001_to_6000");
        await rig.ExecuteAsync("UPDATE t SET id = id + 10000 WHERE id % 11 = 0");
        var end = await rig.MasterPositionAsync();

        var runner = rig.Runner(plan, table);
        await runner.RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { At = end }, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);

        runner.Progress.ChangesApplied.Should().BeGreaterThan(BatchApplier.SplitFrom, "the batches were large enough to be split");
        var report = await rig.ReconcileAsync(table);
        report.Clean.Should().BeTrue(BackfillRig.Describe(report));
    }

    private static async Task<(TableSpec Table, MigrationPlan Plan)> SnapshotThenUpdateAsync(BackfillRig rig, string value)
    {
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, 100);
        var table = await rig.TableAsync("t");
        var plan = rig.Plan();
        await rig.Runner(plan, table).RunAsync(SnapshotOnly, CancellationToken.None);
        for (var id = 1; id <= Updated; id++)
        {
            await rig.ExecuteAsync($"UPDATE t SET val = '{value} {id}' WHERE id = {id}");
        }

        return (table, plan);
    }

    private static async Task<BinlogPosition> CheckpointAsync(BackfillRig rig, Checkpoints checkpoints)
    {
        await using var connection = await rig.Target.OpenConnectionAsync();
        var state = await checkpoints.LoadCatchUpAsync(connection, CancellationToken.None);
        return state!.Value.Position;
    }
}
