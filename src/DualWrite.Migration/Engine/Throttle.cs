using System.Diagnostics;

namespace DualWrite.Migration.Engine;

/// <summary>
/// The snapshot's brakes, shared by all its workers: a rate limit over all tables, and a back-off when the
/// target's commits slow down (each commit slower than the bound makes that worker wait as long again).
/// </summary>
internal sealed class Throttle(int maxRowsPerSecond, TimeSpan? maxTargetLatency)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _rows;

    public async Task WaitAsync(int rows, CancellationToken cancellationToken)
    {
        if (maxRowsPerSecond <= 0)
        {
            return;
        }

        var total = Interlocked.Add(ref _rows, rows);
        var due = TimeSpan.FromSeconds((double)total / maxRowsPerSecond);
        var wait = due - _clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task AfterCommitAsync(TimeSpan commit, CancellationToken cancellationToken) =>
        maxTargetLatency is { } bound && commit > bound ? Task.Delay(commit, cancellationToken) : Task.CompletedTask;
}
