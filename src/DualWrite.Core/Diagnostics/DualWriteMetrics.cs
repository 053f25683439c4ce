using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using DualWrite.Core.Phases;

namespace DualWrite.Core.Diagnostics;

/// <summary>
/// The decorator's instruments, on the <see cref="MeterName"/> meter: operations, errors and latency per entity,
/// store and operation; secondary failures; repair-log appends and depth; shadow-read comparisons; the current
/// phase; and phase rollbacks. Recording is allocation-free (tags travel in a <see cref="TagList"/>), so a
/// decorator with metrics stays within its per-call budget when no listener is attached. The same calls keep each
/// entity's running totals of secondary writes and shadow comparisons (<see cref="ReadFigures"/>), which health
/// reports publish for the phase gates, so nothing is counted in two places.
/// </summary>
public sealed class DualWriteMetrics : IDisposable
{
    /// <summary>The meter's name, for listeners and OpenTelemetry's <c>AddMeter</c>.</summary>
    public const string MeterName = "DualWrite";

    private readonly Meter _meter;
    private readonly Counter<long> _operations;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _secondaryFailures;
    private readonly Counter<long> _repairAppends;
    private readonly Counter<long> _shadowComparisons;
    private readonly Counter<long> _rollbacks;
    private readonly ConcurrentDictionary<string, Func<MigrationPhase>> _phases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _repairDepth = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Totals> _totals = new(StringComparer.Ordinal);

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a meter of its own when it is null.</summary>
    public DualWriteMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _operations = _meter.CreateCounter<long>("dualwrite.operations", "{operation}", "Store calls made by the decorator, by entity, store, operation and outcome.");
        _duration = _meter.CreateHistogram<double>("dualwrite.operation.duration", "ms", "Latency of store calls made by the decorator.");
        _secondaryFailures = _meter.CreateCounter<long>("dualwrite.secondary.failures", "{write}", "Secondary writes that failed and went to the repair log.");
        _repairAppends = _meter.CreateCounter<long>("dualwrite.repair.appended", "{entry}", "Entries appended to the repair log.");
        _shadowComparisons = _meter.CreateCounter<long>("dualwrite.shadow.comparisons", "{read}", "Shadow reads by result: match, mismatch, timeout or error.");
        _rollbacks = _meter.CreateCounter<long>("dualwrite.phase.rollbacks", "{transition}", "Backward phase moves, by trigger (auto or manual).");
        _meter.CreateObservableGauge("dualwrite.repair.pending", ObserveRepairDepth, "{entry}", "Pending repair-log entries at the last count.");
        _meter.CreateObservableGauge("dualwrite.phase", ObservePhases, "{phase}", "Current phase per entity (0 OldOnly … 4 NewOnly).");
    }

    /// <summary>Records one store call by the decorator.</summary>
    public void RecordOperation(string entity, StoreRole store, string operation, TimeSpan elapsed, bool failed)
    {
        var tags = new TagList
        {
            { "entity", entity },
            { "store", StoreName(store) },
            { "operation", operation },
            { "outcome", failed ? "error" : "ok" },
        };
        _operations.Add(1, tags);
        if (_duration.Enabled)
        {
            _duration.Record(elapsed.TotalMilliseconds, tags);
        }
    }

    /// <summary>
    /// Records one secondary write by the decorator (after the pipeline's retries): a store call on
    /// <paramref name="target"/>, and when it <paramref name="failed"/>, a secondary failure (it went to the repair log).
    /// </summary>
    public void RecordSecondaryWrite(string entity, StoreRole target, string operation, TimeSpan elapsed, bool failed)
    {
        RecordOperation(entity, target, operation, elapsed, failed);
        var totals = TotalsOf(entity);
        Interlocked.Increment(ref totals.SecondaryWrites);
        if (failed)
        {
            Interlocked.Increment(ref totals.SecondaryErrors);
            _secondaryFailures.Add(1, new KeyValuePair<string, object?>("entity", entity), new KeyValuePair<string, object?>("store", StoreName(target)));
        }
    }

    /// <summary>Records an append to the repair log.</summary>
    public void RecordRepairAppend(string entity) => _repairAppends.Add(1, new KeyValuePair<string, object?>("entity", entity));

    /// <summary>Sets the repair-log depth last counted for <paramref name="entity"/>.</summary>
    public void SetRepairDepth(string entity, long pending) => _repairDepth[entity] = pending;

    /// <summary>Records the result of one shadow-read comparison.</summary>
    public void RecordShadowComparison(string entity, ShadowReadResult result)
    {
        _shadowComparisons.Add(1, new KeyValuePair<string, object?>("entity", entity), new KeyValuePair<string, object?>("result", ShadowResultName(result)));
        if (result is ShadowReadResult.Match or ShadowReadResult.Mismatch)
        {
            var totals = TotalsOf(entity);
            Interlocked.Increment(ref totals.ShadowReads);
            if (result == ShadowReadResult.Mismatch)
            {
                Interlocked.Increment(ref totals.ShadowMismatches);
            }
        }
    }

    /// <summary>Records a backward phase move.</summary>
    public void RecordRollback(string entity, bool automatic) =>
        _rollbacks.Add(1, new KeyValuePair<string, object?>("entity", entity), new KeyValuePair<string, object?>("trigger", automatic ? "auto" : "manual"));

    /// <summary>Reports <paramref name="entity"/>'s phase from <paramref name="currentPhase"/> whenever the gauge is observed.</summary>
    public void TrackPhase(string entity, Func<MigrationPhase> currentPhase)
    {
        ArgumentNullException.ThrowIfNull(currentPhase);
        _phases[entity] = currentPhase;
        TotalsOf(entity);
    }

    /// <summary>
    /// Each entity's totals since these metrics were created: every entity with a decorator (<see cref="TrackPhase"/>)
    /// or a recorded secondary write or shadow comparison, with its current phase when the phase source can tell.
    /// </summary>
    public IReadOnlyList<EntityFigures> ReadFigures()
    {
        var figures = new List<EntityFigures>(_totals.Count);
        foreach (var (entity, totals) in _totals)
        {
            MigrationPhase? phase = null;
            if (_phases.TryGetValue(entity, out var current))
            {
                try
                {
                    phase = current();
                }
#pragma warning disable CA1031 // A phase source that cannot answer leaves the phase unknown; the figures still count.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }

            figures.Add(new EntityFigures(
                entity,
                phase,
                Interlocked.Read(ref totals.SecondaryWrites),
                Interlocked.Read(ref totals.SecondaryErrors),
                Interlocked.Read(ref totals.ShadowReads),
                Interlocked.Read(ref totals.ShadowMismatches)));
        }

        return figures;
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private Totals TotalsOf(string entity) => _totals.GetOrAdd(entity, static _ => new Totals());

    private static string StoreName(StoreRole store) => store == StoreRole.Old ? "old" : "new";

    private static string ShadowResultName(ShadowReadResult result) => result switch
    {
        ShadowReadResult.Match => "match",
        ShadowReadResult.Mismatch => "mismatch",
        ShadowReadResult.Timeout => "timeout",
        _ => "error",
    };

    private IEnumerable<Measurement<long>> ObserveRepairDepth()
    {
        foreach (var (entity, depth) in _repairDepth)
        {
            yield return new Measurement<long>(depth, new KeyValuePair<string, object?>("entity", entity));
        }
    }

    private IEnumerable<Measurement<int>> ObservePhases()
    {
        foreach (var (entity, phase) in _phases)
        {
            MigrationPhase current;
            try
            {
                current = phase();
            }
#pragma warning disable CA1031 // A phase source that cannot answer must not break the whole metrics export.
            catch (Exception)
#pragma warning restore CA1031
            {
                continue;
            }

            yield return new Measurement<int>((int)current, new KeyValuePair<string, object?>("entity", entity));
        }
    }

    /// <summary>One entity's running totals: fields, so <see cref="Interlocked"/> updates them in place.</summary>
    private sealed class Totals
    {
        public long SecondaryWrites;
        public long SecondaryErrors;
        public long ShadowReads;
        public long ShadowMismatches;
    }
}
