using System.CommandLine;
using DualWrite.Dashboard.Standalone;
using DualWrite.MySql.Control;
using Microsoft.AspNetCore.Builder;
using MySqlConnector;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary><c>dualwrite dashboard --plan FILE [--urls URL]</c>: serves the phase dashboard over a plan until stopped.</summary>
public static class DashboardCommand
{
    /// <summary>The command's arguments.</summary>
    /// <param name="Plan">The migration plan.</param>
    /// <param name="Urls">Where to listen (loopback by default).</param>
    /// <param name="Target">The phase control tables.</param>
    public sealed record Arguments(string Plan, string? Urls, PhaseTarget Target);

    /// <summary>Builds the <c>dashboard</c> command.</summary>
    public static Command Create()
    {
        var plan = new Option<string>("--plan") { Description = "The migration plan: its entities are shown, its gates judge every advance.", Required = true };
        var urls = new Option<string?>("--urls") { Description = $"Where to listen (default {DashboardStandalone.DefaultUrl}: loopback only)." };
        var database = new Option<string?>("--database", "-d") { Description = "The database holding the phase control tables (default: DUALWRITE_MYSQL_DATABASE)." };
        var phaseTable = new Option<string>("--phase-table") { Description = "The phase table.", DefaultValueFactory = _ => PhaseControlTables.DefaultPhaseTable };
        var auditTable = new Option<string>("--audit-table") { Description = "The audit table.", DefaultValueFactory = _ => PhaseControlTables.DefaultAuditTable };
        var command = new Command(
            "dashboard",
            $"Serve the phase dashboard. The operator's token comes from {DashboardTokens.OperatorVariable}, a viewer's from {DashboardTokens.ViewerVariable}; never from the command line.")
        {
            plan, urls, database, phaseTable, auditTable,
        };
        command.SetAction((parse, ct) => RunAsync(
            new(parse.GetValue(plan)!, parse.GetValue(urls), new PhaseTarget(parse.GetValue(database), parse.GetValue(phaseTable)!, parse.GetValue(auditTable)!)),
            Environment.GetEnvironmentVariable,
            AnsiConsole.Console,
            ct));
        return command;
    }

    /// <summary>Runs the dashboard until <paramref name="cancellationToken"/> is cancelled; returns an exit code.</summary>
    public static async Task<int> RunAsync(Arguments arguments, Func<string, string?> environment, IAnsiConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(console);
        DashboardTokens tokens;
        try
        {
            var operatorToken = environment(DashboardTokens.OperatorVariable);
            if (string.IsNullOrEmpty(operatorToken))
            {
                console.MarkupLine($"[red]error[/] Set {DashboardTokens.OperatorVariable} to the operator's token (at least {DashboardTokens.MinimumLength} characters), e.g. `export {DashboardTokens.OperatorVariable}=$(openssl rand -hex 24)`.");
                return ExitCodes.InvalidArguments;
            }

            tokens = new DashboardTokens(operatorToken, environment(DashboardTokens.ViewerVariable) is { Length: > 0 } viewer ? viewer : null);
        }
        catch (ArgumentException ex)
        {
            console.MarkupLine($"[red]error[/] {Markup.Escape(ex.Message)}");
            return ExitCodes.InvalidArguments;
        }

        var control = SourceConnection.FromEnvironment(arguments.Target.Database);
        if (string.IsNullOrEmpty(control.Database))
        {
            console.MarkupLine("[red]error[/] No control database: pass --database or set DUALWRITE_MYSQL_DATABASE.");
            return ExitCodes.InvalidArguments;
        }

        var (exitCode, plan, sourceConnection, target) = await PlanTarget.LoadAsync(arguments.Plan, environment, console, cancellationToken).ConfigureAwait(false);
        if (plan is null || target is null)
        {
            return exitCode;
        }

        var controlSource = new MySqlDataSource(control.ConnectionString);
        await using (target.ConfigureAwait(false))
        await using (controlSource.ConfigureAwait(false))
        {
            var app = DashboardStandalone.Build(
                o =>
                {
                    o.Plan = plan;
                    o.SourceConnectionString = sourceConnection;
                    o.Target = target;
                    o.Control = controlSource;
                    o.Tables = arguments.Target.Tables;
                },
                tokens,
                arguments.Urls);
            await using (app.ConfigureAwait(false))
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                console.MarkupLine($"dashboard of plan {Markup.Escape(plan.Plan.Name)} on {Markup.Escape(string.Join(", ", app.Urls))}: sign in with {DashboardTokens.OperatorVariable}{(tokens.RoleOf(environment(DashboardTokens.ViewerVariable)) is null ? "" : $" (operator) or {DashboardTokens.ViewerVariable} (viewer)")}; Ctrl-C stops it");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl-C: stop serving.
                }

                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        return ExitCodes.Success;
    }
}
