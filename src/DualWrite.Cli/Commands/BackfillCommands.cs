using System.CommandLine;
using System.Globalization;
using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Reconcile;
using DualWrite.MySql.Replication;
using MySqlConnector;
using Npgsql;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary><c>dualwrite backfill run</c>: the snapshot import and binlog catch-up of a plan (docs/backfill.md).</summary>
public static class BackfillCommands
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Builds the <c>backfill</c> command group.</summary>
    public static Command Create()
    {
        var plan = new Option<string>("--plan") { Description = "The migration plan (YAML).", Required = true };
        var resnapshot = new Option<bool>("--resnapshot") { Description = "Throw away what earlier runs copied and start from a fresh snapshot." };
        var follow = new Option<bool>("--follow") { Description = "Keep applying the binlog after catching up, until Ctrl-C." };
        var compare = new Option<bool>("--compare") { Description = "Once caught up, reconcile every table (chunk digests, then row by row), with the catch-up still running; exit code 1 when a difference persists." };
        var worker = new Option<bool>("--worker")
        {
            Description = "One of several processes on the plan: share its key ranges with the others; once the snapshot is done, end when another worker applies the catch-up (with --follow, stand by to take it over).",
        };
        var workerId = new Option<string?>("--worker-id") { Description = "This process's name among the plan's workers (default: host name and process id)." };
        var lease = new Option<string?>("--lease") { Description = "How long a claimed range stays this worker's without progress, e.g. 30s (default 30s)." };
        var run = new Command("run", "Copy the plan's tables into PostgreSQL from consistent snapshots, resuming from earlier runs' checkpoints, then catch up from the binlog.")
        {
            plan, resnapshot, follow, compare, worker, workerId, lease,
        };
        run.SetAction((parse, ct) => RunAsync(
            new Arguments(parse.GetValue(plan)!, parse.GetValue(resnapshot), parse.GetValue(follow), parse.GetValue(compare))
            {
                Worker = parse.GetValue(worker),
                WorkerId = parse.GetValue(workerId),
                Lease = parse.GetValue(lease),
            },
            Environment.GetEnvironmentVariable,
            AnsiConsole.Console,
            Console.Out,
            ct));
        var group = new Command("backfill", "Snapshot import and binlog catch-up into PostgreSQL.");
        group.Subcommands.Add(run);
        group.Subcommands.Add(BackfillStatusCommand.Create());
        return group;
    }

    /// <summary>The command's arguments.</summary>
    public sealed record Arguments(string Plan, bool Resnapshot, bool Follow, bool Compare)
    {
        /// <summary>Run as one of several workers on the plan (<c>--worker</c>).</summary>
        public bool Worker { get; init; }

        /// <summary>The worker's name (<c>--worker-id</c>).</summary>
        public string? WorkerId { get; init; }

        /// <summary>The claim lease as written (<c>--lease</c>).</summary>
        public string? Lease { get; init; }
    }

    /// <summary>Runs the backfill; returns an exit code.</summary>
    public static async Task<int> RunAsync(Arguments arguments, Func<string, string?> environment, IAnsiConsole console, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(console);
        var lease = new BackfillOptions().Lease;
        if (arguments.Lease is { } text && (!PlanDuration.TryParse(text, out lease) || lease < TimeSpan.FromSeconds(1)))
        {
            console.MarkupLine($"[red]error[/] --lease {Markup.Escape(text)}: expected at least one second, as {PlanDuration.Expected}");
            return ExitCodes.InvalidArguments;
        }

        if (arguments.Worker && arguments.Resnapshot)
        {
            console.MarkupLine("[red]error[/] --resnapshot cannot be combined with --worker: it would throw away what the other workers copy. Stop the workers, run it once alone, then start them again.");
            return ExitCodes.InvalidArguments;
        }

        if (arguments.WorkerId is { Length: 0 or > 200 })
        {
            console.MarkupLine("[red]error[/] --worker-id must be 1 to 200 characters.");
            return ExitCodes.InvalidArguments;
        }

        var (exitCode, plan, sourceConnection, target) = await PlanTarget.LoadAsync(arguments.Plan, environment, console, cancellationToken).ConfigureAwait(false);
        if (plan is null || target is null)
        {
            return exitCode;
        }

        await using (target.ConfigureAwait(false))
        {
            var runner = BackfillRunner.Create(plan, sourceConnection, target, output);

            // With --compare the catch-up keeps running while the tables are reconciled, so a difference the source's
            // read saw first is re-checked once the catch-up has applied it; it stops afterwards unless --follow.
            using var stopCatchUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var running = runner.RunAsync(
                new BackfillOptions
                {
                    Resnapshot = arguments.Resnapshot,
                    CatchUp = new CatchUpStop { WhenCaughtUp = !arguments.Follow && !arguments.Compare },
                    SharedCatchUp = arguments.Worker,
                    WorkerId = arguments.WorkerId,
                    Lease = lease,
                },
                stopCatchUp.Token);
            ReconcileReport? report = null;
            try
            {
                if (arguments.Compare)
                {
                    await CaughtUpAsync(runner, running, cancellationToken).ConfigureAwait(false);
                    var reconciler = PlanReconciler.Create(plan, sourceConnection, target);
                    report = await reconciler.RunAsync(reconciler.DefaultOptions with { Fresh = true }, null, null, cancellationToken).ConfigureAwait(false);
                    await PrintAsync(report, output).ConfigureAwait(false);
                    if (!arguments.Follow)
                    {
                        await stopCatchUp.CancelAsync().ConfigureAwait(false);
                    }
                }

                await running.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (report is not null && !cancellationToken.IsCancellationRequested)
            {
                // The catch-up was stopped once the comparison was done.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await output.WriteLineAsync($"Stopped. Everything committed is checkpointed: run the same command to resume.").ConfigureAwait(false);
                return arguments.Follow && report is not { Clean: false } ? ExitCodes.Success : ExitCodes.Stopped;
            }
            catch (NotSupportedException ex)
            {
                console.MarkupLine($"[red]error[/] {Markup.Escape(ex.Message)}");
                return ExitCodes.Failure;
            }
            catch (Exception ex) when (ErrorReport.IsStoreFailure(ex))
            {
                return ErrorReport.ReportStoreFailure(console, ex, "while reading the source's binlog");
            }
            finally
            {
                if (!running.IsCompleted)
                {
                    // The comparison failed: stop the catch-up it ran beside.
                    await stopCatchUp.CancelAsync().ConfigureAwait(false);
                    await Task.WhenAny(running).ConfigureAwait(false);
                }
            }

            return report is { Clean: false } ? ExitCodes.DifferencesFound : ExitCodes.Success;
        }
    }

    /// <summary>Returns once the catch-up is caught up; a run that ends first ends this wait with its outcome.</summary>
    private static async Task CaughtUpAsync(BackfillRunner runner, Task running, CancellationToken cancellationToken)
    {
        while (!runner.Progress.CaughtUp)
        {
            if (running.IsCompleted)
            {
                await running.ConfigureAwait(false);
                return;
            }

            await Task.WhenAny(running, Task.Delay(PollInterval, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static async Task PrintAsync(ReconcileReport report, TextWriter output)
    {
        foreach (var entity in report.Entities)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{entity.Display}: {entity.SourceRows:N0} source rows, {entity.TargetRows:N0} target rows; {entity.Missing:N0} missing, {entity.Extra:N0} extra, " +
                $"{entity.Differing:N0} differ, {entity.Lagging:N0} behind{(entity.Clean ? " — equal" : "")}{(entity.VerifiedAs is { } at ? $" (as of {at})" : "")}")).ConfigureAwait(false);
            foreach (var sample in entity.Samples)
            {
                await output.WriteLineAsync($"  key {sample.Key}: {sample.Kind}{(sample.Columns.Count > 0 ? " (" + string.Join(", ", sample.Columns) + ")" : "")}").ConfigureAwait(false);
            }
        }
    }
}
