using System.CommandLine;
using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Engine;
using DualWrite.Migration.Reconcile;
using DualWrite.MySql.Replication;
using MySqlConnector;
using Npgsql;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary>
/// <c>dualwrite reconcile</c>: compares a plan's tables in the source and the target, chunk by chunk, and reports
/// what persists after the re-check, optionally repairing it (docs/reconcile.md).
/// </summary>
public static class ReconcileCommand
{
    /// <summary>The command's arguments.</summary>
    /// <param name="Plan">The migration plan file.</param>
    public sealed record Arguments(string Plan)
    {
        /// <summary>Only this entity of the plan; every entity when null.</summary>
        public string? Entity { get; init; }

        /// <summary>The report's format.</summary>
        public ReconcileFormat Format { get; init; } = ReconcileFormat.Table;

        /// <summary>Where the report goes (written atomically); standard output when null.</summary>
        public string? Output { get; init; }

        /// <summary>Repair what persists, then verify the repairs.</summary>
        public bool Repair { get; init; }

        /// <summary>With <see cref="Repair"/>: list the repairs, write nothing.</summary>
        public bool DryRun { get; init; }

        /// <summary>Forget the chunks an unfinished earlier run compared and start over.</summary>
        public bool Fresh { get; init; }

        /// <summary>Put the differing rows' values in the report (they may hold personal data).</summary>
        public bool ShowValues { get; init; }
    }

    /// <summary>Builds the <c>reconcile</c> command.</summary>
    public static Command Create()
    {
        var plan = new Option<string>("--plan") { Description = "The migration plan (YAML).", Required = true };
        var entity = new Option<string?>("--entity", "-e") { Description = "Only this entity of the plan (default: every entity)." };
        var format = new Option<ReconcileFormat>("--format", "-f") { Description = "The report's format: table, json (schema dualwrite.reconcile/v1) or html (one self-contained page).", DefaultValueFactory = _ => ReconcileFormat.Table };
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file (atomically) instead of standard output." };
        var repair = new Option<bool>("--repair") { Description = "Repair every persistent difference through the version guard (the source's row into the target, extra rows tombstoned), then verify the repairs." };
        var dryRun = new Option<bool>("--dry-run") { Description = "With --repair: list what would be repaired, write nothing." };
        var fresh = new Option<bool>("--fresh") { Description = "Forget the chunks an unfinished earlier run compared and start over." };
        var showValues = new Option<bool>("--show-values") { Description = "Show the differing rows' values (hidden by default: they may hold personal data)." };
        var command = new Command("reconcile", "Compare the plan's tables in the source and the target, chunk by chunk; re-check what differs once the change feed has passed it; report what persists (exit code 1), and optionally repair it.")
        {
            plan, entity, format, output, repair, dryRun, fresh, showValues,
        };
        command.SetAction((parse, ct) =>
        {
            var arguments = new Arguments(parse.GetValue(plan)!)
            {
                Entity = parse.GetValue(entity),
                Format = parse.GetValue(format),
                Output = parse.GetValue(output),
                Repair = parse.GetValue(repair),
                DryRun = parse.GetValue(dryRun),
                Fresh = parse.GetValue(fresh),
                ShowValues = parse.GetValue(showValues),
            };

            // When standard output carries the JSON or HTML report, messages and progress go to standard error.
            var console = arguments.Format == ReconcileFormat.Table || arguments.Output is not null
                ? AnsiConsole.Console
                : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            return RunAsync(arguments, Environment.GetEnvironmentVariable, console, Console.Out, ct);
        });
        return command;
    }

    /// <summary>
    /// Runs the reconciliation and writes its report; returns <see cref="ExitCodes.Success"/> when every entity is
    /// clean, <see cref="ExitCodes.DifferencesFound"/> when differences persist, and the plan commands' codes otherwise.
    /// </summary>
    /// <param name="arguments">The command's arguments.</param>
    /// <param name="environment">Reads environment variables (the plan's passwordEnv / connectionStringEnv).</param>
    /// <param name="console">Where messages, progress and the table format go.</param>
    /// <param name="output">Where the JSON or HTML report goes without <see cref="Arguments.Output"/>.</param>
    /// <param name="cancellationToken">Stops the run; the chunks compared so far stay recorded for a resumed run.</param>
    public static async Task<int> RunAsync(Arguments arguments, Func<string, string?> environment, IAnsiConsole console, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(output);
        if (CheckArguments(arguments) is { } problem)
        {
            console.MarkupLine($"[red]error[/] {Markup.Escape(problem)}");
            return ExitCodes.InvalidArguments;
        }

        var (exitCode, plan, sourceConnection) = await PlanValidateCommand.LoadAsync(arguments.Plan, environment, console, cancellationToken).ConfigureAwait(false);
        if (plan is null)
        {
            return exitCode;
        }

        var entities = plan.Entities.Where(e => arguments.Entity is null || string.Equals(e.Plan.Name, arguments.Entity, StringComparison.Ordinal)).ToList();
        if (entities.Count == 0)
        {
            console.MarkupLine($"[red]error[/] the plan {Markup.Escape(plan.Plan.Name)} has no entity '{Markup.Escape(arguments.Entity ?? "")}'; it has {Markup.Escape(string.Join(", ", plan.Entities.Select(e => e.Plan.Name)))}");
            return ExitCodes.InvalidArguments;
        }

        var target = PlanTarget.Create(plan, environment, console);
        if (target is null)
        {
            return ExitCodes.InvalidArguments;
        }

        await using (target.ConfigureAwait(false))
        {
            var reconciler = PlanReconciler.Create(plan, sourceConnection, target);
            var options = reconciler.DefaultOptions with { Fresh = arguments.Fresh, Repair = arguments.Repair, DryRun = arguments.DryRun };
            ReconcileReport report;
            try
            {
                report = await ReconcileProgressView.RunAsync(
                    console,
                    [.. entities.Select(e => new ReconcileProgressView.Entity(e.Plan.Name, e.Source.EstimatedRows))],
                    TimeProvider.System,
                    progress => reconciler.RunAsync(options, arguments.Entity, progress, cancellationToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                console.MarkupLine("Stopped. The chunks compared so far are recorded: run the same command to resume them, or add --fresh to start over.");
                return ExitCodes.Failure;
            }
            catch (NotSupportedException ex)
            {
                // An entity the pair cannot compare as planned (a key that does not order alike on both sides).
                console.MarkupLine($"[red]error[/] {Markup.Escape(ex.Message)}");
                return ExitCodes.RequirementNotMet;
            }
            catch (Exception ex) when (ErrorReport.IsStoreFailure(ex))
            {
                return ErrorReport.ReportStoreFailure(console, ex, "while reading the source's binlog position");
            }

            return await WriteReportAsync(arguments, report, console, output, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string? CheckArguments(Arguments arguments)
    {
        if (arguments.DryRun && !arguments.Repair)
        {
            return "--dry-run lists what --repair would write: give --repair --dry-run";
        }

        if (arguments.Output is { } file)
        {
            var full = Path.GetFullPath(file);
            if (Directory.Exists(full))
            {
                return $"--output {file} is a directory; name the report file";
            }

            if (!Directory.Exists(Path.GetDirectoryName(full)))
            {
                return $"--output {file}: the directory {Path.GetDirectoryName(full)} does not exist";
            }
        }

        return null;
    }

    private static async Task<int> WriteReportAsync(Arguments arguments, ReconcileReport report, IAnsiConsole console, TextWriter output, CancellationToken cancellationToken)
    {
        var exitCode = report.Clean ? ExitCodes.Success : ExitCodes.DifferencesFound;
        if (arguments.Output is { } file)
        {
            try
            {
                await ReconcileFormats.WriteFileAsync(file, ReconcileFormats.Render(report, arguments.Format, arguments.ShowValues), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                console.MarkupLine($"[red]error[/] cannot write the report to {Markup.Escape(file)}: {Markup.Escape(ex.Message)}");
                return ExitCodes.InvalidArguments;
            }

            console.MarkupLine($"{Markup.Escape(ReconcileReportText.Verdict(report))}; report written to {Markup.Escape(file)}");
            return exitCode;
        }

        if (arguments.Format == ReconcileFormat.Table)
        {
            ReconcileFormats.WriteTable(console, report, arguments.ShowValues);
        }
        else
        {
            await output.WriteAsync(ReconcileFormats.Render(report, arguments.Format, arguments.ShowValues).AsMemory(), cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return exitCode;
    }
}
