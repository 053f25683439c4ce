using System.CommandLine;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary><c>dualwrite cdc ...</c>: follow the source's binlog.</summary>
public static class CdcCommands
{
    /// <summary>Builds the <c>cdc</c> command group.</summary>
    public static Command Create()
    {
        var database = new Option<string?>("--database", "-d") { Description = "Show changes of this database only (default: all)." };
        var from = new Option<string?>("--from") { Description = "Start after this position: FILE:OFFSET, or a MariaDB GTID state (default: the current end of the binlog)." };
        var stopAtEnd = new Option<bool>("--stop-at-end") { Description = "Stop at the end of the binlog instead of waiting for new changes." };
        var limit = new Option<int?>("--limit") { Description = "Stop after this many transactions." };
        var tail = new Command("tail", "Print committed transactions and DDL from the binlog as they happen (Ctrl+C stops).");
        tail.Options.Add(database);
        tail.Options.Add(from);
        tail.Options.Add(stopAtEnd);
        tail.Options.Add(limit);
        tail.SetAction((parse, ct) => CdcTailCommand.RunAsync(
            new CdcTailCommand.Arguments(parse.GetValue(database), parse.GetValue(from), parse.GetValue(stopAtEnd), parse.GetValue(limit)),
            AnsiConsole.Console, ct));

        var group = new Command("cdc", "Change data capture from the source's binlog. Connection settings come from DUALWRITE_MYSQL_* variables.");
        group.Subcommands.Add(tail);
        return group;
    }
}
