using DualWrite.Migration.Gates;
using DualWrite.Migration.Plans;
using DualWrite.Core.Phases;
using DualWrite.Hosting.Flags;
using DualWrite.MySql.Control;
using MySqlConnector;
using Npgsql;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary><c>dualwrite phase advance | step-back | rollback</c>: asks for a phase change and reports what became of it.</summary>
public static class PhaseChangeCommand
{
    /// <summary>The command's arguments.</summary>
    /// <param name="Target">The control tables.</param>
    /// <param name="Entity">The entity to move.</param>
    /// <param name="Kind">Advance and StepBack move one step from the current phase; RollbackTo goes to <paramref name="To"/>.</param>
    /// <param name="To">The phase to roll back to (RollbackTo only), by name, case-insensitive.</param>
    /// <param name="Actor">Who asks (audited).</param>
    /// <param name="Reason">Why (audited).</param>
    public sealed record Arguments(PhaseTarget Target, string Entity, PhaseTransitionKind Kind, string? To, string Actor, string Reason)
    {
        /// <summary>The entity's migration plan (Advance only): its gates decide the move.</summary>
        public string? Plan { get; init; }
    }

    /// <summary>Runs the command; returns an exit code.</summary>
    public static async Task<int> RunAsync(Arguments arguments, Func<string, string?> environment, IAnsiConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Plan is null)
        {
            return await RunAsync(arguments, (_, _) => [new PlanRequiredGate()], console, cancellationToken).ConfigureAwait(false);
        }

        var (exitCode, plan, sourceConnection) = await PlanValidateCommand.LoadAsync(arguments.Plan, environment, console, cancellationToken).ConfigureAwait(false);
        if (plan is null)
        {
            return exitCode;
        }

        NpgsqlDataSource? target = null;
        if (PlanGates.ReadsTarget(plan.Plan))
        {
            try
            {
                target = NpgsqlDataSource.Create(PlanConnections.PostgreSqlConnectionString(plan.Plan.Target, environment));
            }
            catch (PlanException ex)
            {
                foreach (var problem in ex.Problems)
                {
                    console.MarkupLine($"[red]error[/] {Markup.Escape(problem.ToString())}");
                }

                return ExitCodes.InvalidArguments;
            }
        }

        var source = new MySqlDataSource(sourceConnection);
        try
        {
            return await RunAsync(
                arguments,
                (control, tables) => PlanGates.For(plan, new GateServers(source, control, tables) { Target = target }),
                console,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await source.DisposeAsync().ConfigureAwait(false);
            if (target is not null)
            {
                await target.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static Task<int> RunAsync(
        Arguments arguments, Func<MySqlDataSource, PhaseControlTables, IReadOnlyList<IPhaseGate>> gates, IAnsiConsole console, CancellationToken cancellationToken)
    {
        MigrationPhase? to = null;
        if (arguments.Kind == PhaseTransitionKind.RollbackTo)
        {
            to = ParsePhase(arguments.To);
            if (to is null)
            {
                console.MarkupLine($"[red]error[/] '{Markup.Escape(arguments.To ?? "")}' is not a phase: use one of {string.Join(", ", PhaseFlagSchema.PhaseNames)}.");
                return Task.FromResult(ExitCodes.InvalidArguments);
            }
        }

        return PhaseCommandRunner.RunAsync(arguments.Target, gates, console, async control =>
        {
            var outcome = arguments.Kind switch
            {
                PhaseTransitionKind.Advance => await control.AdvanceAsync(arguments.Entity, arguments.Actor, arguments.Reason, cancellationToken).ConfigureAwait(false),
                PhaseTransitionKind.StepBack => await control.StepBackAsync(arguments.Entity, arguments.Actor, arguments.Reason, cancellationToken).ConfigureAwait(false),
                _ => await control.TransitionAsync(arguments.Entity, to!.Value, arguments.Kind, arguments.Actor, arguments.Reason, cancellationToken).ConfigureAwait(false),
            };
            return Report(console, outcome);
        }, cancellationToken);
    }

    private static MigrationPhase? ParsePhase(string? name) => PhaseFlagSchema.TryParseTypedPhase(name, out var phase) ? phase : null;

    private static int Report(IAnsiConsole console, PhaseTransitionOutcome outcome)
    {
        var request = outcome.Decision.Request;
        var move = $"{Markup.Escape(request.Entity)}: {request.From} -> {request.To} ({request.Kind})";
        foreach (var gate in outcome.Decision.Gates)
        {
            console.MarkupLine($"  gate {Markup.Escape(PhaseFormat.Gate(gate))}");
        }

        if (outcome.Applied)
        {
            console.MarkupLine($"[green]applied[/] {move}, revision {outcome.State.Revision}, audit row {outcome.AuditId}");
            return ExitCodes.Success;
        }

        var why = outcome.Decision.RefusalReason ?? outcome.Decision.Rejection.ToString();
        console.MarkupLine($"[red]rejected[/] {move}: {Markup.Escape(why)} [grey]({outcome.Decision.Rejection})[/]; the phase is unchanged, the refusal is audit row {outcome.AuditId}");
        return ExitCodes.TransitionRejected;
    }
}
