namespace DualWrite.Core.Stores;

/// <summary>
/// Issues the versions application writes carry: microseconds since the Unix epoch (UTC), strictly increasing
/// within the process even when the wall clock stalls or steps back. The same unit is what the MySQL triggers
/// stamp on rows written by programs that bypass the decorator, so both kinds of write order by time of change.
/// </summary>
/// <remarks>
/// Across processes, versions order writes by their clocks; two writers of the same key on machines whose clocks
/// differ by more than the gap between their writes are ordered by clock, not by arrival. Writers that need a
/// stricter order pass <see cref="Observe"/> the version they read before writing, so a write always outranks
/// what it replaces.
/// </remarks>
public sealed class VersionClock
{
    private readonly TimeProvider _time;
    private long _last;

    /// <summary>Creates a clock over <paramref name="timeProvider"/>, or the system clock when it is null.</summary>
    public VersionClock(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The process-wide clock over the system time.</summary>
    public static VersionClock Shared { get; } = new();

    /// <summary>A version greater than every version this clock issued or observed before.</summary>
    public long Next()
    {
        var now = ToVersion(_time.GetUtcNow());
        while (true)
        {
            var last = Volatile.Read(ref _last);
            var next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                return next;
            }
        }
    }

    /// <summary>Makes every later <see cref="Next"/> exceed <paramref name="version"/> (one read before a write, say).</summary>
    public void Observe(long version)
    {
        var last = Volatile.Read(ref _last);
        while (version > last)
        {
            var seen = Interlocked.CompareExchange(ref _last, version, last);
            if (seen == last)
            {
                return;
            }

            last = seen;
        }
    }

    /// <summary>The version unit for <paramref name="time"/>: whole microseconds since the Unix epoch.</summary>
    public static long ToVersion(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (TimeSpan.TicksPerMillisecond / 1000);
}
