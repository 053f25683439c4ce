using System.CommandLine;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary><c>dualwrite plan ...</c>: work with migration plan files (docs/migration-plans.md).</summary>
public static class PlanCommands
{
    /// <summary>Builds the <c>plan</c> command group.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The plan file (YAML)." };
        var validate = new Command("validate", "Load a plan and check it against the source's schema; print every problem, or a summary per entity.") { file };
        validate.SetAction((parse, ct) => PlanValidateCommand.RunAsync(parse.GetValue(file)!, Environment.GetEnvironmentVariable, AnsiConsole.Console, ct));

        var group = new Command("plan", "Migration plans. The source connection comes from the plan; passwords from the environment variables it names.");
        group.Subcommands.Add(validate);
        return group;
    }
}
