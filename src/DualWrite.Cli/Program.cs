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
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }
}
