namespace DualWrite.Core.Rollback;

/// <summary>
/// Sliding-window counts for one entity: calls and slow calls, secondary writes and their failures, shadow
/// comparisons and mismatches. The window is kept as ten time slots; a slot older than the window is reused.
/// </summary>
public sealed class SloWindow
{
    private const int Slots = 10;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly long _slotTicks;
    private readonly long _slowTimestampTicks;
    private readonly Counts[] _slots = new Counts[Slots];
    private readonly long[] _slotIds = new long[Slots];

    internal SloWindow(string entity, TimeSpan window, TimeSpan? latencyThreshold, TimeProvider time)
    {
        Entity = entity;
        Window = window;
        _time = time;
        _slotTicks = Math.Max(window.Ticks / Slots, 1);
        _slowTimestampTicks = latencyThreshold is { } t
            ? (long)(t.Ticks * (double)time.TimestampFrequency / TimeSpan.TicksPerSecond)
            : long.MaxValue;
        Array.Fill(_slotIds, -1);
    }

    /// <summary>The entity measured.</summary>
    public string Entity { get; }

    /// <summary>The span the counts cover.</summary>
    public TimeSpan Window { get; }

    /// <summary>Records a call that took <paramref name="elapsedTimestampTicks"/> (in <see cref="TimeProvider.TimestampFrequency"/> units).</summary>
    public void RecordCall(long elapsedTimestampTicks, bool failed)
    {
        lock (_gate)
        {
            ref var slot = ref CurrentSlot();
            slot.Calls++;
            if (failed || elapsedTimestampTicks > _slowTimestampTicks)
            {
                slot.SlowOrFailedCalls++;
            }
        }
    }

    /// <summary>Records the final outcome of one secondary write.</summary>
    public void RecordSecondaryWrite(bool failed)
    {
        lock (_gate)
        {
            ref var slot = ref CurrentSlot();
            slot.SecondaryWrites++;
            if (failed)
            {
                slot.SecondaryFailures++;
            }
        }
    }

    /// <summary>Records one completed shadow comparison.</summary>
    public void RecordShadowComparison(bool mismatch)
    {
        lock (_gate)
        {
            ref var slot = ref CurrentSlot();
            slot.ShadowComparisons++;
            if (mismatch)
            {
                slot.ShadowMismatches++;
            }
        }
    }

    /// <summary>The totals over the window ending now.</summary>
    public SloSnapshot Snapshot()
    {
        lock (_gate)
        {
            var now = SlotId();
            var total = default(Counts);
            for (var i = 0; i < Slots; i++)
            {
                if (_slotIds[i] > now - Slots)
                {
                    total.Add(_slots[i]);
                }
            }

            return new SloSnapshot(
                Entity, Window, total.Calls, total.SlowOrFailedCalls, total.SecondaryWrites, total.SecondaryFailures, total.ShadowComparisons, total.ShadowMismatches);
        }
    }

    /// <summary>Forgets every count, so the state before a rollback does not count against the phase after it.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            Array.Fill(_slotIds, -1);
            Array.Clear(_slots);
        }
    }

    private long SlotId() => _time.GetUtcNow().UtcTicks / _slotTicks;

    private ref Counts CurrentSlot()
    {
        var id = SlotId();
        var index = (int)(id % Slots);
        if (_slotIds[index] != id)
        {
            _slotIds[index] = id;
            _slots[index] = default;
        }

        return ref _slots[index];
    }

    private struct Counts
    {
        public long Calls;
        public long SlowOrFailedCalls;
        public long SecondaryWrites;
        public long SecondaryFailures;
        public long ShadowComparisons;
        public long ShadowMismatches;

        public void Add(Counts other)
        {
            Calls += other.Calls;
            SlowOrFailedCalls += other.SlowOrFailedCalls;
            SecondaryWrites += other.SecondaryWrites;
            SecondaryFailures += other.SecondaryFailures;
            ShadowComparisons += other.ShadowComparisons;
            ShadowMismatches += other.ShadowMismatches;
        }
    }
}
