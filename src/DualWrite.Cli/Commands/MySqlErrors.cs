using DualWrite.MySql;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary>Prints a <see cref="MySqlException"/> and picks its exit code, the same way for every command.</summary>
public static class MySqlErrors
{
    /// <summary>Prints <paramref name="exception"/> (with an optional hint) and returns its exit code.</summary>
    public static int Report(IAnsiConsole console, MySqlException exception, string? hint = null)
    {
        console.MarkupLine($"[red]error[/] {Markup.Escape(exception.Message)} [grey]({exception.Kind}, {exception.Number})[/]");
        if (hint is not null)
        {
            console.MarkupLine($"  {Markup.Escape(hint)}");
        }

        return exception.Kind switch
        {
            MySqlErrorKind.SourceMisconfigured => ExitCodes.RequirementNotMet,
            MySqlErrorKind.BinlogPurged => ExitCodes.ResnapshotNeeded,
            MySqlErrorKind.Server => ExitCodes.ServerError,
            MySqlErrorKind.Authentication or MySqlErrorKind.ConnectionFailed or MySqlErrorKind.ConnectionLost or MySqlErrorKind.Tls => ExitCodes.ConnectionFailed,
            _ => ExitCodes.Failure,
        };
    }
}
