using DualWrite.Core.Diagnostics;
using DualWrite.Core.Resilience;
using DualWrite.Core.Rollback;
using DualWrite.Core.Shadow;
using Microsoft.Extensions.Logging;

namespace DualWrite.Core.Routing;

/// <summary>The optional parts of a <see cref="DualWriteStore{TKey, TValue}"/>; every one has a safe default.</summary>
/// <typeparam name="TValue">The row payload.</typeparam>
public sealed class DualWriteStoreOptions<TValue>
{
    /// <summary>The resilience of secondary writes.</summary>
    public SecondaryWriteOptions SecondaryWrites { get; set; } = new();

    /// <summary>How reads ask the repair log whether the read store may lack a write, within a bound.</summary>
    public RepairLookupOptions RepairLookup { get; set; } = new();

    /// <summary>Shadow-read sampling and comparison.</summary>
    public ShadowReadOptions ShadowReads { get; set; } = new();

    /// <summary>Compares payloads in shadow reads; the type's default equality when null.</summary>
    public IEqualityComparer<TValue>? ValueComparer { get; set; }

    /// <summary>The clock for repair entries, timeouts and latency; the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Where operations, failures and shadow results are counted; none when null.</summary>
    public DualWriteMetrics? Metrics { get; set; }

    /// <summary>The entity's objectives window, fed for the automatic-rollback policy; none when null.</summary>
    public SloWindow? Objectives { get; set; }

    /// <summary>Where secondary failures and shadow mismatches are logged (keys only, unless the shadow options say otherwise).</summary>
    public ILogger? Logger { get; set; }
}
