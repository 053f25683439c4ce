using System.Globalization;
using DualWrite.Migration.Plans;
using DualWrite.MySql;
using MySqlConnector;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary><c>dualwrite plan validate FILE</c>: loads a plan, checks it against the live source, and prints the result.</summary>
public static class PlanValidateCommand
{
    // ER_BAD_DB_ERROR: the plan names a database the source does not have, which is the plan's fault, not the connection's.
    private const int UnknownDatabase = 1049;

    /// <summary>Runs the validation; returns an exit code (0 valid, 2 unreadable file or unset variable, 3 cannot connect, 11 invalid plan).</summary>
    /// <param name="file">The plan file, as problems will name it.</param>
    /// <param name="environment">Reads environment variables (the plan's passwordEnv / connectionStringEnv).</param>
    /// <param name="console">Where to print.</param>
    /// <param name="cancellationToken">Stops the validation.</param>
    public static async Task<int> RunAsync(string file, Func<string, string?> environment, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var (exitCode, validated, connectionString) = await LoadAsync(file, environment, console, cancellationToken).ConfigureAwait(false);
        if (validated is not null)
        {
            var settings = new MySqlConnectionStringBuilder(connectionString);
            PrintSummary(console, validated, $"{settings.Server}:{settings.Port}");
        }

        return exitCode;
    }

    /// <summary>
    /// Loads <paramref name="file"/> and validates it against its source, printing any problem; the plan is null
    /// (and the exit code says why) when it cannot be used.
    /// </summary>
    internal static async Task<(int ExitCode, ValidatedPlan? Plan, string ConnectionString)> LoadAsync(
        string file, Func<string, string?> environment, IAnsiConsole console, CancellationToken cancellationToken)
    {
        MigrationPlan plan;
        string connectionString;
        try
        {
            plan = await PlanLoader.LoadAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (PlanException ex)
        {
            return (Report(console, file, ex.Problems, ExitCodes.InvalidPlan), null, "");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            console.MarkupLine($"[red]error[/] cannot read the plan file {Markup.Escape(file)}: {Markup.Escape(ex.Message)}");
            return (ExitCodes.InvalidArguments, null, "");
        }

        try
        {
            connectionString = PlanConnections.MySqlConnectionString(plan.Source, environment);
        }
        catch (PlanException ex)
        {
            return (Report(console, file, ex.Problems, ExitCodes.InvalidArguments), null, "");
        }

        try
        {
            var connection = new MySqlConnection(connectionString);
            await using (connection.ConfigureAwait(false))
            {
                try
                {
                    await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (MySqlException ex) when (ex.Number == UnknownDatabase)
                {
                    var problem = new PlanProblem(plan.Source.DatabaseLocation ?? plan.Source.Location, "source.database", $"the source has no database `{new MySqlConnectionStringBuilder(connectionString).Database}`");
                    return (Report(console, file, [problem], ExitCodes.InvalidPlan), null, "");
                }

                var validated = await PlanValidator.ValidateAsync(plan, connection, cancellationToken).ConfigureAwait(false);
                return (ExitCodes.Success, validated, connectionString);
            }
        }
        catch (PlanException ex)
        {
            return (Report(console, file, ex.Problems, ExitCodes.InvalidPlan), null, "");
        }
        catch (MySqlException ex)
        {
            return (ErrorReport.Report(console, ex, $"while checking {file} against its source"), null, "");
        }
    }

    internal static int Report(IAnsiConsole console, string file, IReadOnlyList<PlanProblem> problems, int exitCode)
    {
        // Straight to the output, never wrapped: one problem a line, in the form editors and CI annotate from.
        var writer = console.Profile.Out.Writer;
        foreach (var problem in problems)
        {
            writer.WriteLine(problem.ToString());
        }

        writer.Flush();

        var count = problems.Count == 1 ? "1 problem" : string.Create(CultureInfo.InvariantCulture, $"{problems.Count} problems");
        console.MarkupLine($"[red]{Markup.Escape(file)}: {count}[/]");
        return exitCode;
    }

    private static void PrintSummary(IAnsiConsole console, ValidatedPlan validated, string source)
    {
        var plan = validated.Plan;
        var table = new Table()
            .Title($"Plan {Markup.Escape(plan.Name)} ({Markup.Escape(plan.File)})")
            .AddColumn("entity").AddColumn("table → target").AddColumn(new TableColumn("columns").RightAligned())
            .AddColumn("key").AddColumn("version from").AddColumn(new TableColumn("rows (est.)").RightAligned());
        foreach (var entity in validated.Entities)
        {
            var version = entity.VersionColumn is { } index ? entity.Columns[index].Source.Name : "binlog position";
            table.AddRow(
                Markup.Escape(entity.Plan.Name),
                Markup.Escape($"{entity.Source.Name} → {plan.Target.Schema}.{entity.Plan.TargetTable}"),
                entity.Columns.Count.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(", ", entity.KeyColumns.Select(i => entity.Columns[i].Source.Name))),
                Markup.Escape(version),
                entity.Source.EstimatedRows.ToString("N0", CultureInfo.InvariantCulture));
        }

        console.Write(table);
        var count = validated.Entities.Count == 1 ? "1 entity" : string.Create(CultureInfo.InvariantCulture, $"{validated.Entities.Count} entities");
        var database = validated.Entities.Count > 0 ? validated.Entities[0].Source.Database : plan.Source.Database;
        console.MarkupLine($"[green]valid[/]: {count}, checked against database {Markup.Escape(database ?? "")} at {Markup.Escape(source)}");
    }
}
