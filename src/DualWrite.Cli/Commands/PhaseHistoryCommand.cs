using System.Globalization;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary><c>dualwrite phase history</c>: every change of an entity and every refused request, oldest first.</summary>
public static class PhaseHistoryCommand
{
    /// <summary>The command's arguments.</summary>
    /// <param name="Target">The control tables.</param>
    /// <param name="Entity">The entity.</param>
    public sealed record Arguments(PhaseTarget Target, string Entity);

    /// <summary>Runs the command; returns an exit code.</summary>
    public static Task<int> RunAsync(Arguments arguments, IAnsiConsole console, CancellationToken cancellationToken) =>
        PhaseCommandRunner.RunAsync(arguments.Target, console, async control =>
        {
            var history = await control.GetHistoryAsync(arguments.Entity, cancellationToken).ConfigureAwait(false);
            if (history.Count == 0)
            {
                console.MarkupLine($"[red]error[/] Entity '{Markup.Escape(arguments.Entity)}' has no history: initialize it with `dualwrite phase init`.");
                return ExitCodes.PhaseNotInitialized;
            }

            // One line an entry, the gates' verdicts indented under it: readable at any width, and in a log.
            console.MarkupLine($"Phase history of {Markup.Escape(arguments.Entity)}, oldest first:");
            foreach (var entry in history)
            {
                var move = entry.From is { } from ? $"{from} -> {entry.To}" : entry.To.ToString();
                var outcome = entry.Applied ? "applied" : $"[red]refused[/] ({entry.Rejection})";
                console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                    $"#{entry.Id} {PhaseFormat.Time(entry.At)} {entry.Kind?.ToString() ?? entry.Action} {move} {outcome}, revision {entry.Revision}, by {Markup.Escape(entry.Actor)}: {Markup.Escape(entry.Reason)}"));
                foreach (var gate in entry.Gates)
                {
                    console.MarkupLine("    gate " + Markup.Escape(PhaseFormat.Gate(gate)));
                }
            }

            return ExitCodes.Success;
        }, cancellationToken);
}
