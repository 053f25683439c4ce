using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace DualWrite.Testing;

/// <summary>
/// Waiting for an observed condition: the one way tests wait. The timeout is only a safety net (generous, so a slow
/// or busy machine only makes the wait longer); the poll interval only spaces the checks.
/// </summary>
public static class Eventually
{
    /// <summary>The default safety net.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/> after the timeout.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>Polls an asynchronous <paramref name="condition"/> (a query, say) until it holds.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > limit)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}.");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>
    /// Advances <paramref name="time"/> by <paramref name="step"/> until <paramref name="task"/> has completed, then
    /// returns its result: for code that waits on the test's clock (a retry delay, a recheck) from a continuation the
    /// test does not see, whose timer may not be set yet when the test first advances.
    /// </summary>
    public static async Task<T> AdvancingAsync<T>(FakeTimeProvider time, TimeSpan step, Task<T> task, string what, TimeSpan? timeout = null)
    {
        await AdvancingAsync(time, step, (Task)task, what, timeout);
        return await task;
    }

    /// <summary>Advances <paramref name="time"/> by <paramref name="step"/> until <paramref name="task"/> has completed.</summary>
    public static async Task AdvancingAsync(FakeTimeProvider time, TimeSpan step, Task task, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(task);
        var limit = timeout ?? DefaultTimeout;
        var watch = Stopwatch.StartNew();
        while (!task.IsCompleted)
        {
            if (watch.Elapsed > limit)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s advancing the clock for {what}.");
            }

            time.Advance(step);
            await Task.WhenAny(task, Task.Delay(PollInterval));
        }

        await task;
    }
}
