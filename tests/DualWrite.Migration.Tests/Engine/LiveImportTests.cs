using DualWrite.Migration.Engine;
using DualWrite.Testing;

namespace DualWrite.Migration.Tests.Engine;

/// <summary>Snapshot and catch-up while a writer changes the table, compared row by row at the end.</summary>
public sealed class LiveImportTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    public async Task ImportWhileWriting_ThenCatchUp_LeavesBothSidesEqual(int seed, int parallelism)
    {
        await using var rig = await BackfillRig.CreateAsync("bf_live");
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, 20_000);
        var table = await rig.TableAsync("t", chunkSize: 500);
        var writer = new SourceWriter(rig.Source, 20_000, seed);
        using var stopWriting = new CancellationTokenSource();
        var writing = writer.RunAsync(stopWriting.Token);

        // Throttled, so the writer changes rows before, inside and after the chunks being copied.
        var runner = rig.Runner(rig.Plan(parallelism, maxRowsPerSecond: 10_000), table);
        using var stopCatchUp = new CancellationTokenSource();
        var running = runner.RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { WhenCaughtUp = false }, ProgressInterval = TimeSpan.Zero }, stopCatchUp.Token);
        await Eventually.WaitUntilAsync(() => runner.Progress.AppliedPosition is not null || running.IsCompleted, "the catch-up to apply its first batch");

        // The writer keeps going while the catch-up runs: so many more changes, however long they take.
        var writtenAtCatchUp = writer.Operations;
        await Eventually.WaitUntilAsync(() => writer.Operations >= writtenAtCatchUp + 300 || running.IsCompleted, "300 more writer operations during the catch-up");

        await stopWriting.CancelAsync();
        await writing;
        var end = await rig.MasterPositionAsync();
        await Eventually.WaitUntilAsync(() => runner.Progress.AppliedPosition >= end || running.IsCompleted, $"the catch-up to apply up to {end}");

        await stopCatchUp.CancelAsync();
        var stopped = async () => await running;
        await stopped.Should().ThrowAsync<OperationCanceledException>();

        writer.Operations.Should().BeGreaterThan(200, "the writer ran throughout");
        runner.Progress.ChangesApplied.Should().BeGreaterThan(0);
        var reconciliation = await rig.ReconcileAsync(table);
        reconciliation.Clean.Should().BeTrue(BackfillRig.Describe(reconciliation));
    }
}
