using System.Collections.Concurrent;
using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Reconcile;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DualWrite.Dashboard;

/// <summary>Reconciliations started from the dashboard: at most one per entity at a time, in the background, with progress.</summary>
internal sealed partial class ReconcileJobs(DualWriteDashboardOptions options, IHostApplicationLifetime lifetime, ILogger<ReconcileJobs> logger)
{
    private readonly ConcurrentDictionary<string, Job> _jobs = new(StringComparer.Ordinal);

    /// <summary>The entity's job, if one was started since the dashboard started.</summary>
    public ReconcileJobView? Get(string entity) => _jobs.TryGetValue(entity, out var job) ? job.View : null;

    /// <summary>Starts a reconciliation of <paramref name="entity"/>; false when one is running already.</summary>
    public bool TryStart(string entity, string actor)
    {
        var job = new Job(actor, options.Time.GetUtcNow());
        while (true)
        {
            if (_jobs.TryGetValue(entity, out var existing))
            {
                if (existing.Running)
                {
                    return false;
                }

                if (!_jobs.TryUpdate(entity, job, existing))
                {
                    continue;
                }
            }
            else if (!_jobs.TryAdd(entity, job))
            {
                continue;
            }

            break;
        }

        _ = Task.Run(() => RunAsync(entity, job), CancellationToken.None);
        return true;
    }

    private async Task RunAsync(string entity, Job job)
    {
        try
        {
            var reconciler = PlanReconciler.Create(options.RequiredPlan, options.SourceConnectionString!, options.Target!, options.Time);
            var report = await reconciler.RunAsync(reconciler.DefaultOptions, entity, job, lifetime.ApplicationStopping).ConfigureAwait(false);
            job.Finish("finished", ReconcileReportText.Verdict(report));
            LogFinished(logger, entity, job.View.Result!);
        }
#pragma warning disable CA1031 // A failed run is shown on the page; it must not take the dashboard down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            job.Finish("failed", $"{ex.GetType().Name}: {ex.Message}");
            LogFailed(logger, entity, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(EventId = DashboardEventIds.ReconcileFinished, Level = LogLevel.Information, Message = "Reconciliation of {Entity} from the dashboard: {Result}")]
    private static partial void LogFinished(ILogger logger, string entity, string result);

    [LoggerMessage(EventId = DashboardEventIds.ReconcileFailed, Level = LogLevel.Warning, Message = "Reconciliation of {Entity} from the dashboard failed: {Error}: {Message}")]
    private static partial void LogFailed(ILogger logger, string entity, string error, string message);

    private sealed class Job(string actor, DateTimeOffset startedAt) : IProgress<ReconcileProgress>
    {
        private volatile ReconcileJobView _view = new("running", actor, startedAt, 0, 0, 0, null);

        public ReconcileJobView View => _view;

        public bool Running => _view.State == "running";

        public void Report(ReconcileProgress value) =>
            _view = _view with { Rows = value.SourceRows, Chunks = value.Chunks, Differences = value.Differences };

        public void Finish(string state, string result) => _view = _view with { State = state, Result = result };
    }
}
