using DualWrite.Core.Routing;

namespace DualWrite.Hosting.DependencyInjection;

/// <summary>What the builder registered, for start-up validation and the background services.</summary>
internal sealed class DualWriteRegistry
{
    public List<string> Entities { get; } = [];

    public List<Func<IServiceProvider, IRepairRunner>> RepairRunners { get; } = [];

    /// <summary>Hands each entity's repair log to the query router.</summary>
    public List<Action<IServiceProvider, QueryRouter>> RouterWatches { get; } = [];

    public bool HasPhaseSource { get; set; }

    public bool HasPhaseTransitioner { get; set; }
}
