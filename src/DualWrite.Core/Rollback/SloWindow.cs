using DualWrite.Core.Phases;

namespace DualWrite.Core.Rollback;

/// <summary>
/// Sliding-window counts for one entity: calls and slow calls, secondary writes and their failures, shadow
/// comparisons and mismatches. The window is kept as ten time slots; a slot older than the window is reused.
/// The counts belong to one phase: the decorator reports the phase of every call (<see cref="ObservePhase"/>), and a
/// new phase clears them, so figures from one phase never count against the next.
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
    private int _phase = -1;

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

    /// <summary>The phase the counts belong to; null before any call was seen.</summary>
    public MigrationPhase? Phase
    {
        get
        {
            var phase = Volatile.Read(ref _phase);
            return phase < 0 ? null : (MigrationPhase)phase;
        }
    }

    /// <summary>Notes the phase a call ran in; a phase other than the last one seen clears the counts.</summary>
    public void ObservePhase(MigrationPhase phase)
    {
        if (Volatile.Read(ref _phase) == (int)phase)
        {
            return;
        }

        lock (_gate)
        {
            if (_phase == (int)phase)
            {
                return;
            }

            if (_phase >= 0)
            {
                Array.Fill(_slotIds, -1);
                Array.Clear(_slots);
            }

            Volatile.Write(ref _phase, (int)phase);
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
