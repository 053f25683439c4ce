using DualWrite.Migration.Plans;
using Npgsql;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary>The plan's PostgreSQL target, as every plan command connects to it.</summary>
internal static class PlanTarget
{
    /// <summary>
    /// A data source over the plan's target, or null after printing why: the plan names an unset variable, or one that
    /// holds no valid connection string (exit code <see cref="ExitCodes.InvalidArguments"/>). Never prints the value.
    /// </summary>
    public static NpgsqlDataSource? Create(ValidatedPlan plan, Func<string, string?> environment, IAnsiConsole console)
    {
        try
        {
            return NpgsqlDataSource.Create(PlanConnections.PostgreSqlConnectionString(plan.Plan.Target, environment));
        }
        catch (PlanException ex)
        {
            foreach (var problem in ex.Problems)
            {
                console.MarkupLine($"[red]error[/] {Markup.Escape(problem.ToString())}");
            }

            return null;
        }
    }

    /// <summary>
    /// Loads and validates the plan (printing any problem, as <c>plan validate</c> does) and opens its target; the plan
    /// and target are null, and the exit code says why, when either cannot be had. The caller disposes the target.
    /// </summary>
    public static async Task<(int ExitCode, ValidatedPlan? Plan, string SourceConnection, NpgsqlDataSource? Target)> LoadAsync(
        string file, Func<string, string?> environment, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var (exitCode, plan, sourceConnection) = await PlanValidateCommand.LoadAsync(file, environment, console, cancellationToken).ConfigureAwait(false);
        if (plan is null)
        {
            return (exitCode, null, sourceConnection, null);
        }

        var target = Create(plan, environment, console);
        return target is null ? (ExitCodes.InvalidArguments, null, sourceConnection, null) : (ExitCodes.Success, plan, sourceConnection, target);
    }
}
