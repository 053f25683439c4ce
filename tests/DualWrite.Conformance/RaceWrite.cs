using DualWrite.Core.Stores;

namespace DualWrite.Conformance;

/// <summary>
/// One write of a race and what became of it: the record, how it was sent, its result (null for a record of a bulk
/// load, which reports only a count), and when it started and finished on the race's <see cref="RaceClock"/>.
/// </summary>
internal sealed class RaceWrite
{
    public RaceWrite(VersionedRecord<long, string> record, bool viaDelete = false)
    {
        Record = record;
        ViaDelete = viaDelete;
    }

    public VersionedRecord<long, string> Record { get; }

    public long Key => Record.Key;

    public long Version => Record.Version;

    /// <summary>A tombstone sent through <c>DeleteAsync</c> rather than <c>UpsertAsync</c>.</summary>
    public bool ViaDelete { get; }

    public WriteResult? Result { get; set; }

    public long Started { get; set; }

    public long Finished { get; set; }

    /// <summary>Whether the store may hold this write's version because of it: it applied, or it was part of a bulk load.</summary>
    public bool MayHaveApplied => Result is null or WriteResult.Applied;

    public override string ToString() =>
        $"{(Record.IsTombstone ? ViaDelete ? "delete" : "tombstone" : "upsert")} {Key}@{Version} '{Record.Value}' [{Started}..{Finished}] {Result?.ToString() ?? "bulk"}";
}

/// <summary>A logical clock for a race: every tick is later than every tick taken before it, on any thread.</summary>
internal sealed class RaceClock
{
    private long _now;

    public long Tick() => Interlocked.Increment(ref _now);
}
