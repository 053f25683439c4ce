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
}
