using System.CommandLine;
using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;
using DualWrite.MySql.Replication;
using MySqlConnector;
using Npgsql;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary><c>dualwrite backfill run</c>: the snapshot import and binlog catch-up of a plan (docs/backfill.md).</summary>
public static class BackfillCommands
{
    /// <summary>Builds the <c>backfill</c> command group.</summary>
    public static Command Create()
    {
        var plan = new Option<string>("--plan") { Description = "The migration plan (YAML).", Required = true };
        var resnapshot = new Option<bool>("--resnapshot") { Description = "Throw away what earlier runs copied and start from a fresh snapshot." };
        var follow = new Option<bool>("--follow") { Description = "Keep applying the binlog after catching up, until Ctrl-C." };
        var compare = new Option<bool>("--compare") { Description = "Compare every table row by row at the end." };
        var run = new Command("run", "Copy the plan's tables into PostgreSQL from consistent snapshots, resuming from earlier runs' checkpoints, then catch up from the binlog.")
        {
            plan, resnapshot, follow, compare,
        };
        run.SetAction((parse, ct) => RunAsync(
            new Arguments(parse.GetValue(plan)!, parse.GetValue(resnapshot), parse.GetValue(follow), parse.GetValue(compare)),
            Environment.GetEnvironmentVariable,
            AnsiConsole.Console,
            Console.Out,
            ct));
        var group = new Command("backfill", "Snapshot import and binlog catch-up into PostgreSQL.");
        group.Subcommands.Add(run);
        return group;
    }

    /// <summary>The command's arguments.</summary>
    public sealed record Arguments(string Plan, bool Resnapshot, bool Follow, bool Compare);

    /// <summary>Runs the backfill; returns an exit code.</summary>
    public static async Task<int> RunAsync(Arguments arguments, Func<string, string?> environment, IAnsiConsole console, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(console);
        var (exitCode, plan, sourceConnection) = await PlanValidateCommand.LoadAsync(arguments.Plan, environment, console, cancellationToken).ConfigureAwait(false);
        if (plan is null)
        {
            return exitCode;
        }

        var target = PlanTarget.Create(plan, environment, console);
        if (target is null)
        {
            return ExitCodes.InvalidArguments;
        }

        await using (target.ConfigureAwait(false))
        {
            var runner = BackfillRunner.Create(plan, sourceConnection, target, output);
            try
            {
                await runner.RunAsync(
                    new BackfillOptions { Resnapshot = arguments.Resnapshot, CatchUp = new CatchUpStop { WhenCaughtUp = !arguments.Follow } },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await output.WriteLineAsync($"Stopped. Everything committed is checkpointed: run the same command to resume.").ConfigureAwait(false);
                return arguments.Follow ? ExitCodes.Success : ExitCodes.Failure;
            }
            catch (BackfillException ex)
            {
                return ErrorReport.Report(console, ex);
            }
            catch (NpgsqlException ex)
            {
                return ErrorReport.Report(console, ex);
            }
            catch (MySqlException ex)
            {
                return ErrorReport.Report(console, ex, "while reading the source");
            }
            catch (BinlogException ex)
            {
                return ErrorReport.Report(console, ex, "while reading the source's binlog");
            }

            if (!arguments.Compare)
            {
                return ExitCodes.Success;
            }

            var equal = true;
            foreach (var comparison in await runner.CompareAsync(cancellationToken).ConfigureAwait(false))
            {
                await output.WriteLineAsync(comparison.ToString()).ConfigureAwait(false);
                foreach (var sample in comparison.Samples)
                {
                    await output.WriteLineAsync($"  {sample}").ConfigureAwait(false);
                }

                equal &= comparison.Equal;
            }

            return equal ? ExitCodes.Success : ExitCodes.DifferencesFound;
        }
    }
}
