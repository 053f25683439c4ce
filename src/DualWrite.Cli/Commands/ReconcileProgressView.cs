using System.Globalization;
using DualWrite.Core.Reconciliation;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary>
/// Shows a running reconciliation: a progress bar per entity on an interactive console, one plain line per entity at
/// most every second otherwise (a log, a CI job, a pipe).
/// </summary>
public static class ReconcileProgressView
{
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(1);

    /// <summary>An entity to show, with the source's row estimate the bar fills up to.</summary>
    public sealed record Entity(string Name, long EstimatedRows);

    /// <summary>Runs <paramref name="run"/> with a progress sink that shows its reports on <paramref name="console"/>.</summary>
    public static async Task<T> RunAsync<T>(IAnsiConsole console, IReadOnlyList<Entity> entities, TimeProvider time, Func<IProgress<ReconcileProgress>, Task<T>> run)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            return await run(new Lines(console, entities, time)).ConfigureAwait(false);
        }

        var result = default(T)!;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var bars = entities.ToDictionary(e => e.Name, e => context.AddTask(Markup.Escape(e.Name), maxValue: Math.Max(1, e.EstimatedRows)), StringComparer.Ordinal);
                result = await run(new Bars(bars)).ConfigureAwait(false);
                foreach (var bar in bars.Values)
                {
                    bar.Value = bar.MaxValue;
                    bar.StopTask();
                }
            }).ConfigureAwait(false);
        return result;
    }

    private static string Describe(ReconcileProgress report, long estimate = 0) => string.Create(
        CultureInfo.InvariantCulture,
        $"{report.Entity}: {report.SourceRows:N0}{(estimate > report.SourceRows ? string.Create(CultureInfo.InvariantCulture, $" of about {estimate:N0}") : "")} rows, chunks {report.Chunks:N0}, differences {report.Differences:N0}");

    /// <summary>Reports arrive on the engine's workers; each one updates its entity's bar (Spectre's tasks lock themselves).</summary>
    private sealed class Bars(IReadOnlyDictionary<string, ProgressTask> bars) : IProgress<ReconcileProgress>
    {
        public void Report(ReconcileProgress value)
        {
            if (!bars.TryGetValue(value.Entity, out var bar))
            {
                return;
            }

            bar.MaxValue = Math.Max(bar.MaxValue, value.SourceRows);
            bar.Value = value.SourceRows;
            bar.Description = Markup.Escape(Describe(value));
        }
    }

    private sealed class Lines(IAnsiConsole console, IReadOnlyList<Entity> entities, TimeProvider time) : IProgress<ReconcileProgress>
    {
        private readonly Dictionary<string, long> _printedAt = new(StringComparer.Ordinal);
        private readonly Lock _lock = new();

        public void Report(ReconcileProgress value)
        {
            lock (_lock)
            {
                var now = time.GetTimestamp();
                if (_printedAt.TryGetValue(value.Entity, out var last) && time.GetElapsedTime(last, now) < LineInterval)
                {
                    return;
                }

                _printedAt[value.Entity] = now;
                var estimate = entities.FirstOrDefault(e => string.Equals(e.Name, value.Entity, StringComparison.Ordinal))?.EstimatedRows ?? 0;
                console.Profile.Out.Writer.WriteLine($"reconcile {Describe(value, estimate)}");
                console.Profile.Out.Writer.Flush();
            }
        }
    }
}
