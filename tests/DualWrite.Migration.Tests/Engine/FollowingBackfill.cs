using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;
using DualWrite.MySql.Replication;
using DualWrite.Testing;

namespace DualWrite.Migration.Tests.Engine;

/// <summary>
/// A plan's backfill that keeps following the binlog once caught up, as <c>dualwrite backfill run --follow</c> runs
/// it: the snapshot, then the catch-up, until <see cref="StopAsync"/>. Every wait is for an observed position.
/// </summary>
internal sealed class FollowingBackfill : IAsyncDisposable
{
    private readonly BackfillRig _rig;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<BackfillReport> _running;

    private FollowingBackfill(BackfillRig rig, ValidatedPlan plan)
    {
        _rig = rig;
        Runner = BackfillRunner.Create(plan, rig.SourceConnectionString, rig.Target, rig.Log);
        _running = Runner.RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { WhenCaughtUp = false }, ProgressInterval = TimeSpan.Zero }, _stop.Token);
    }

    public BackfillRunner Runner { get; }

    public BackfillProgress Progress => Runner.Progress;

    /// <summary>Starts the backfill of <paramref name="plan"/> and returns once it has copied every table and caught up.</summary>
    public static async Task<FollowingBackfill> StartAsync(BackfillRig rig, ValidatedPlan plan)
    {
        var backfill = new FollowingBackfill(rig, plan);
        await backfill.UntilAsync(() => backfill.Progress.CaughtUp, "the backfill to copy the tables and catch up");
        return backfill;
    }

    /// <summary>Waits until the catch-up has applied everything the source has logged so far.</summary>
    public async Task DrainAsync()
    {
        var head = await _rig.MasterPositionAsync();
        await UntilAsync(() => Progress.AppliedPosition >= head, $"the catch-up to apply up to {head}");
    }

    /// <summary>Stops the catch-up, which ends with the cancellation it was asked for and nothing else.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        var stopped = async () => await _running;
        await stopped.Should().ThrowAsync<OperationCanceledException>();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_running.IsCompleted)
        {
            await _stop.CancelAsync();
            try
            {
                await _running;
            }
            catch (OperationCanceledException)
            {
                // Stopped as asked.
            }
        }

        _stop.Dispose();
    }

    private async Task UntilAsync(Func<bool> done, string what)
    {
        await Eventually.WaitUntilAsync(() => done() || _running.IsCompleted, what);
        if (!done())
        {
            await _running;
            throw new InvalidOperationException($"The backfill ended before {what}.");
        }
    }
}
