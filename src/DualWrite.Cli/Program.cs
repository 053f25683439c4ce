using System.CommandLine;
using DualWrite.Cli.Commands;

namespace DualWrite.Cli;

/// <summary>The <c>dualwrite</c> command line.</summary>
public static class Program
{
    /// <summary>How long a command has to stop after SIGTERM or SIGINT before the process ends regardless (under Kubernetes' default 30 s grace period).</summary>
    public static readonly TimeSpan ShutdownBound = TimeSpan.FromSeconds(20);

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

        // SIGTERM and SIGINT cancel the command's token; a command then stops within ShutdownBound (a backfill worker
        // rolls back or commits its chunk in hand and gives its range back) and exits with its own code.
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = ShutdownBound }).ConfigureAwait(false);
    }
}
