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

            var table = new Table().Title($"Phase history of {Markup.Escape(arguments.Entity)}")
                .AddColumn(new TableColumn("#").RightAligned()).AddColumn(new TableColumn("at (UTC)").NoWrap()).AddColumn(new TableColumn("kind").NoWrap())
                .AddColumn(new TableColumn("from").NoWrap()).AddColumn(new TableColumn("to").NoWrap()).AddColumn(new TableColumn("outcome").NoWrap())
                .AddColumn("actor").AddColumn("reason").AddColumn("gates").AddColumn(new TableColumn("rev").RightAligned());
            foreach (var entry in history)
            {
                table.AddRow(
                    entry.Id.ToString(CultureInfo.InvariantCulture),
                    PhaseFormat.Time(entry.At),
                    entry.Kind?.ToString() ?? entry.Action,
                    entry.From?.ToString() ?? "-",
                    entry.To.ToString(),
                    entry.Applied ? "applied" : $"[red]refused[/] ({entry.Rejection})",
                    Markup.Escape(entry.Actor),
                    Markup.Escape(entry.Reason),
                    Markup.Escape(entry.Gates.Count == 0 ? "-" : string.Join("; ", entry.Gates.Select(PhaseFormat.Gate))),
                    entry.Revision.ToString(CultureInfo.InvariantCulture));
            }

            console.Write(table);
            return ExitCodes.Success;
        }, cancellationToken);
}
