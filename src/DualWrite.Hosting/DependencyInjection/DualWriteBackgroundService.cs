using DualWrite.Core.Diagnostics;
using DualWrite.Core.Phases;
using DualWrite.Core.Rollback;
using DualWrite.Core.Routing;
using DualWrite.Hosting.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DualWrite.Hosting.DependencyInjection;

/// <summary>Runs every entity's repair worker and, when a transitioner is registered, the automatic-rollback policy.</summary>
internal sealed partial class DualWriteBackgroundService(IServiceProvider services, DualWriteRegistry registry) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = services.GetRequiredService<IOptions<DualWriteOptions>>().Value;
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger<DualWriteBackgroundService>() ?? (ILogger)NullLogger.Instance;
        var tasks = new List<Task> { RepairLoopAsync(options, time, logger, stoppingToken) };
        if (registry.HasPhaseTransitioner)
        {
            var policies = registry.Entities.ToDictionary(e => e, e => options.For(e).AutoRollback, StringComparer.Ordinal);
            var monitor = new AutoRollbackMonitor(
                policies,
                services.GetRequiredService<SloMonitor>(),
                services.GetRequiredService<IPhaseSource>(),
                services.GetRequiredService<IPhaseTransitioner>(),
                time,
                services.GetRequiredService<DualWriteMetrics>(),
                services.GetService<ILoggerFactory>()?.CreateLogger<AutoRollbackMonitor>());
            tasks.Add(monitor.RunAsync(stoppingToken));
        }

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RepairLoopAsync(DualWriteOptions options, TimeProvider time, ILogger logger, CancellationToken stoppingToken)
    {
        var runners = registry.RepairRunners.Select(create => create(services)).ToList();
        var metrics = services.GetRequiredService<DualWriteMetrics>();
        while (!stoppingToken.IsCancellationRequested)
        {
            var repairedAny = false;
            foreach (var runner in runners)
            {
                try
                {
                    var result = await runner.RunOnceAsync(stoppingToken).ConfigureAwait(false);
                    repairedAny |= result.Repaired > 0;
                    metrics.SetRepairDepth(runner.Entity, result.StillFailing);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // An unreachable repair log must not stop the other entities' repairs or the host.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogRepairPassFailed(logger, runner.Entity, ex);
                }
            }

            if (!repairedAny)
            {
                await Task.Delay(options.RepairInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = HostingEventIds.RepairPassFailed, Level = LogLevel.Warning, Message = "Repair pass for {Entity} failed; retrying")]
    private static partial void LogRepairPassFailed(ILogger logger, string entity, Exception exception);
}
