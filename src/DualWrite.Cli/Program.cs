using System.CommandLine;
using DualWrite.Cli.Commands;

namespace DualWrite.Cli;

/// <summary>The <c>dualwrite</c> command line.</summary>
public static class Program
{
    /// <summary>Runs the command line and returns its exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("DualWrite: move a live application's data from MySQL to a new store with zero downtime.");
        root.Subcommands.Add(MySqlCommands.Create());
        root.Subcommands.Add(CdcCommands.Create());
        root.Subcommands.Add(PhaseCommands.Create());
        root.Subcommands.Add(PlanCommands.Create());
        root.Subcommands.Add(BackfillCommands.Create());
        root.Subcommands.Add(ReconcileCommand.Create());
        root.Subcommands.Add(DashboardCommand.Create());
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // The documented code for a bad command line, rather than the parser's generic failure code.
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
            }

            return ExitCodes.InvalidArguments;
        }

        return await parsed.InvokeAsync().ConfigureAwait(false);
    }
}
