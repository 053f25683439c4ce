using DualWrite.Core.Routing;

namespace DualWrite.Hosting.DependencyInjection;

/// <summary>One entity's repair worker, untyped, so one background service can drive them all.</summary>
internal interface IRepairRunner
{
    string Entity { get; }

    Task<RepairRunResult> RunOnceAsync(CancellationToken cancellationToken);
}
