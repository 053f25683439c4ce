using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary><c>dualwrite phase init</c>: creates the control tables if needed and puts an entity in OldOnly.</summary>
public static class PhaseInitCommand
{
    /// <summary>The command's arguments.</summary>
    /// <param name="Target">The control tables.</param>
    /// <param name="Entity">The entity to initialize.</param>
    /// <param name="Actor">Who initializes it (audited).</param>
    public sealed record Arguments(PhaseTarget Target, string Entity, string Actor);

    /// <summary>Runs the command; returns an exit code.</summary>
    public static Task<int> RunAsync(Arguments arguments, IAnsiConsole console, CancellationToken cancellationToken) =>
        PhaseCommandRunner.RunAsync(arguments.Target, console, async control =>
        {
            await control.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            var created = await control.InitializeAsync(arguments.Entity, arguments.Actor, cancellationToken).ConfigureAwait(false);
            var state = await control.GetPhaseAsync(arguments.Entity, cancellationToken).ConfigureAwait(false);
            console.MarkupLine(created
                ? $"[green]initialized[/] {Markup.Escape(arguments.Entity)} in {Markup.Escape(state?.PhaseName ?? "?")}"
                : $"{Markup.Escape(arguments.Entity)} already has a phase: {Markup.Escape(state?.PhaseName ?? "?")} (revision {state?.Revision}); left as it is");
            return ExitCodes.Success;
        }, cancellationToken);
}
