using DualWrite.MySql.Control;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary><c>dualwrite phase show</c>: every entity's phase, or one entity's.</summary>
public static class PhaseShowCommand
{
    /// <summary>The command's arguments.</summary>
    /// <param name="Target">The control tables.</param>
    /// <param name="Entity">Only this entity, or all.</param>
    public sealed record Arguments(PhaseTarget Target, string? Entity);

    /// <summary>Runs the command; returns an exit code.</summary>
    public static Task<int> RunAsync(Arguments arguments, IAnsiConsole console, CancellationToken cancellationToken) =>
        PhaseCommandRunner.RunAsync(arguments.Target, console, async control =>
        {
            IReadOnlyList<PhaseState> states = arguments.Entity is { } entity
                ? await control.GetPhaseAsync(entity, cancellationToken).ConfigureAwait(false) is { } one ? [one] : []
                : await control.GetPhasesAsync(cancellationToken).ConfigureAwait(false);
            if (states.Count == 0)
            {
                console.MarkupLine(arguments.Entity is null
                    ? "No entity has a phase yet: initialize one with `dualwrite phase init`."
                    : $"[red]error[/] Entity '{Markup.Escape(arguments.Entity)}' has no phase: initialize it with `dualwrite phase init`.");
                return arguments.Entity is null ? ExitCodes.Success : ExitCodes.PhaseNotInitialized;
            }

            var table = new Table().AddColumn("entity").AddColumn("phase").AddColumn(new TableColumn("revision").RightAligned()).AddColumn("updated (UTC)").AddColumn("by");
            foreach (var state in states)
            {
                var phase = state.Phase is null ? $"[red]{Markup.Escape(state.PhaseName)} (not a phase)[/]" : Markup.Escape(state.PhaseName);
                table.AddRow(Markup.Escape(state.Entity), phase, state.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), PhaseFormat.Time(state.UpdatedAt), Markup.Escape(state.UpdatedBy));
            }

            console.Write(table);
            return states.Any(s => s.Phase is null) ? ExitCodes.InvalidPhaseState : ExitCodes.Success;
        }, cancellationToken);
}
