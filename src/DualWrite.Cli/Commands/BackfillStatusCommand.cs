using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;
using Npgsql;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary>
/// <c>dualwrite backfill status</c>: where a plan's backfill stands, from the target's control tables alone (no source
/// connection, no cluster access), and with <c>--wait</c> a gate an application's start can wait on.
/// </summary>
public static class BackfillStatusCommand
{
    /// <summary>How often <c>--wait</c> looks again.</summary>
    private static readonly TimeSpan WaitPoll = TimeSpan.FromSeconds(1);

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The conditions <c>--wait</c> knows.</summary>
    public static readonly IReadOnlyList<string> Conditions = ["snapshot-done", "caught-up"];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var plan = new Option<string>("--plan") { Description = "The migration plan (YAML).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the status as JSON (docs/backfill.md describes it)." };
        var wait = new Option<string?>("--wait") { Description = "Block until the condition holds: snapshot-done or caught-up (exit 0), or the timeout passes (exit 14)." };
        var timeout = new Option<string?>("--timeout") { Description = "How long --wait waits, e.g. 10m (default 10m)." };
        var status = new Command("status", "Show a plan's backfill: ranges done, claimed and total per entity, rows, rows/s, live workers, the catch-up's leader and lag.")
        {
            plan, json, wait, timeout,
        };
        status.SetAction((parse, ct) => RunAsync(
            new Arguments(parse.GetValue(plan)!, parse.GetValue(json), parse.GetValue(wait), parse.GetValue(timeout)),
            Environment.GetEnvironmentVariable,
            AnsiConsole.Console,
            Console.Out,
            TimeProvider.System,
            ct));
        return status;
    }

    /// <summary>The command's arguments.</summary>
    public sealed record Arguments(string Plan, bool Json, string? Wait, string? Timeout);

    /// <summary>Runs the command; returns an exit code.</summary>
    public static async Task<int> RunAsync(Arguments arguments, Func<string, string?> environment, IAnsiConsole console, TextWriter output, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(time);
        if (arguments.Wait is { } condition && !Conditions.Contains(condition, StringComparer.Ordinal))
        {
            console.MarkupLine($"[red]error[/] --wait {Markup.Escape(condition)}: expected one of {string.Join(", ", Conditions)}.");
            return ExitCodes.InvalidArguments;
        }

        var timeout = TimeSpan.FromMinutes(10);
        if (arguments.Timeout is { } text && !PlanDuration.TryParse(text, out timeout))
        {
            console.MarkupLine($"[red]error[/] --timeout {Markup.Escape(text)}: expected {PlanDuration.Expected}.");
            return ExitCodes.InvalidArguments;
        }

        MigrationPlan plan;
        try
        {
            plan = await PlanLoader.LoadAsync(arguments.Plan, cancellationToken).ConfigureAwait(false);
        }
        catch (PlanException ex)
        {
            return PlanValidateCommand.Report(console, arguments.Plan, ex.Problems, ExitCodes.InvalidPlan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            console.MarkupLine($"[red]error[/] cannot read the plan file {Markup.Escape(arguments.Plan)}: {Markup.Escape(ex.Message)}");
            return ExitCodes.InvalidArguments;
        }

        NpgsqlDataSource target;
        try
        {
            target = NpgsqlDataSource.Create(PlanConnections.PostgreSqlConnectionString(plan.Target, environment));
        }
        catch (PlanException ex)
        {
            return PlanValidateCommand.Report(console, arguments.Plan, ex.Problems, ExitCodes.InvalidArguments);
        }

        await using (target.ConfigureAwait(false))
        {
            var started = time.GetTimestamp();
            BackfillStatus? last = null;
            while (true)
            {
                try
                {
                    last = await BackfillStatus.ReadAsync(plan, target, cancellationToken).ConfigureAwait(false);
                }
                catch (NpgsqlException ex) when (arguments.Wait is not null && time.GetElapsedTime(started) < timeout && !cancellationToken.IsCancellationRequested)
                {
                    // The target may come up after the waiting container: keep waiting, and say why.
                    await output.WriteLineAsync($"waiting: the target cannot be read yet ({ex.Message})").ConfigureAwait(false);
                    await Task.Delay(WaitPoll, time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (NpgsqlException ex)
                {
                    return ErrorReport.Report(console, ex);
                }

                var holds = arguments.Wait switch
                {
                    "snapshot-done" => last.SnapshotDone(plan.Entities.Count),
                    "caught-up" => last.CaughtUp(plan.Cdc.EffectiveLagBound),
                    _ => true,
                };
                if (holds || time.GetElapsedTime(started) >= timeout)
                {
                    await PrintAsync(last, plan, arguments.Json, output).ConfigureAwait(false);
                    if (holds)
                    {
                        return ExitCodes.Success;
                    }

                    console.MarkupLine($"[red]timed out[/] after {timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s waiting for {Markup.Escape(arguments.Wait!)}.");
                    return ExitCodes.WaitTimedOut;
                }

                await Task.Delay(WaitPoll, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task PrintAsync(BackfillStatus status, MigrationPlan plan, bool json, TextWriter output)
    {
        var snapshotDone = status.SnapshotDone(plan.Entities.Count);
        var caughtUp = status.CaughtUp(plan.Cdc.EffectiveLagBound);
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                schemaVersion = 1,
                plan = status.Plan,
                readAt = status.ReadAt,
                snapshotDone,
                caughtUp,
                entities = status.Entities,
                workers = status.Workers,
                catchUp = new
                {
                    started = status.CatchUpStarted,
                    position = status.Position,
                    leader = status.Leader,
                    leaderAlive = status.LeaderAlive,
                    lagMs = status.Lag?.TotalMilliseconds,
                    lagMeasuredAt = status.LagMeasuredAt,
                    endedCaughtUp = status.EndedCaughtUp,
                },
            }, Json)).ConfigureAwait(false);
            return;
        }

        await output.WriteLineAsync($"plan {status.Plan}: snapshot {(snapshotDone ? "done" : "in progress")}, catch-up {(caughtUp ? "caught up" : status.CatchUpStarted ? "behind" : "not started")}").ConfigureAwait(false);
        if (status.Entities.Count == 0)
        {
            await output.WriteLineAsync("  no backfill has run into the target yet").ConfigureAwait(false);
        }

        foreach (var entity in status.Entities)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {entity.Entity}: ranges {entity.RangesDone}/{entity.RangesTotal} done, {entity.RangesClaimed} claimed; {entity.Rows:N0} rows in {entity.Chunks:N0} chunks; {entity.RowsPerSecond:N0} rows/s"))
                .ConfigureAwait(false);
        }

        await output.WriteLineAsync($"  workers: {(status.Workers.Count == 0 ? "none alive" : string.Join(", ", status.Workers.Select(w => $"{w.Worker} ({w.State}{(w.RangesHeld > 0 ? $", {w.RangesHeld} ranges" : "")})")))}")
            .ConfigureAwait(false);
        var lag = status.Lag is { } l ? string.Create(CultureInfo.InvariantCulture, $"lag {l.TotalMilliseconds:0} ms") : "no lag measured";
        var measured = status.LagMeasuredAt is { } at ? string.Create(CultureInfo.InvariantCulture, $" {(status.ReadAt - at).TotalSeconds:0} s ago") : "";
        await output.WriteLineAsync(
            $"  catch-up: {(status.Leader is null ? "no leader yet" : $"leader {status.Leader} ({(status.LeaderAlive ? "alive" : "not running")})")}; position {status.Position ?? "-"}; {lag}{measured}{(status.EndedCaughtUp ? " (ended caught up)" : "")}")
            .ConfigureAwait(false);
    }
}
