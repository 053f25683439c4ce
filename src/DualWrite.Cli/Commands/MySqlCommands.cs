using System.CommandLine;
using DualWrite.MySql;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary><c>dualwrite mysql ...</c>: look at a MySQL/MariaDB source.</summary>
public static class MySqlCommands
{
    /// <summary>Builds the <c>mysql</c> command group.</summary>
    public static Command Create()
    {
        var database = new Option<string?>("--database", "-d") { Description = "Database whose tables to list (default: DUALWRITE_MYSQL_DATABASE)." };
        var requireCdc = new Option<bool>("--require-cdc") { Description = "Exit with code 5 when the binlog settings do not allow change data capture." };
        var inspect = new Command("inspect", "Connect to the source and print its version, binlog settings and tables.");
        inspect.Options.Add(database);
        inspect.Options.Add(requireCdc);
        inspect.SetAction((parse, ct) => InspectCommand.RunAsync(parse.GetValue(database), parse.GetValue(requireCdc), AnsiConsole.Console, ct));

        var group = new Command("mysql", "Inspect a MySQL or MariaDB source. Connection settings come from DUALWRITE_MYSQL_* variables.");
        group.Subcommands.Add(inspect);
        return group;
    }
}
