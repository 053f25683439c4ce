using DualWrite.Migration.Engine;
using DualWrite.MySql.Replication;
using MySqlConnector;
using Npgsql;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary>Prints a MySQL, binlog or PostgreSQL failure and picks its exit code, the same way for every command.</summary>
public static class ErrorReport
{
    /// <summary>Prints a MySqlConnector failure (with an optional hint) and returns its exit code.</summary>
    public static int Report(IAnsiConsole console, MySqlException exception, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var connecting = IsConnectionFailure(exception);
        Print(console, exception.Message, connecting ? "connection" : "server", exception.Number, hint);
        return connecting ? ExitCodes.ConnectionFailed : ExitCodes.ServerError;
    }

    /// <summary>Prints a binlog failure (with an optional hint) and returns its exit code.</summary>
    public static int Report(IAnsiConsole console, BinlogException exception, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Print(console, exception.Message, exception.Kind.ToString(), exception.Number, hint);
        return exception.Kind switch
        {
            BinlogErrorKind.SourceMisconfigured => ExitCodes.RequirementNotMet,
            BinlogErrorKind.BinlogPurged => ExitCodes.ResnapshotNeeded,
            BinlogErrorKind.BinlogCorrupt => ExitCodes.BinlogCorrupt,
            BinlogErrorKind.Server => ExitCodes.ServerError,
            BinlogErrorKind.Authentication or BinlogErrorKind.ConnectionFailed or BinlogErrorKind.ConnectionLost or BinlogErrorKind.Tls => ExitCodes.ConnectionFailed,
            _ => ExitCodes.Failure,
        };
    }

    /// <summary>
    /// Prints why a plan's tables could not be copied or compared (a schema change the DDL policy refuses, a target
    /// table that does not match the plan or is missing, a value the target cannot hold, a purged binlog) and returns
    /// its exit code.
    /// </summary>
    public static int Report(IAnsiConsole console, BackfillException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        console.MarkupLine($"[red]error[/] {Markup.Escape(exception.Message)}");
        return exception.Error switch
        {
            BackfillError.BinlogPurged => ExitCodes.ResnapshotNeeded,

            // Another worker applies the catch-up: nothing is wrong with the plan or the data, and a retry may lead.
            BackfillError.LeadershipLost => ExitCodes.Failure,
            _ => ExitCodes.BackfillStopped,
        };
    }

    /// <summary>Prints a failure of the PostgreSQL target and returns its exit code: a statement the server refused, or else the connection.</summary>
    public static int Report(IAnsiConsole console, NpgsqlException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        console.MarkupLine($"[red]error[/] the PostgreSQL target: {Markup.Escape(exception.Message)}");
        return exception is PostgresException postgres && !IsConnectionFailure(postgres) ? ExitCodes.ServerError : ExitCodes.ConnectionFailed;
    }

    /// <summary>
    /// Whether the PostgreSQL server refused the credentials (class 28), is shutting down or starting up (57P01-57P03),
    /// or has no connection left (53300), as opposed to rejecting a statement.
    /// </summary>
    public static bool IsConnectionFailure(PostgresException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.SqlState.StartsWith("28", StringComparison.Ordinal)
            || exception.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections;
    }

    /// <summary>Whether <paramref name="exception"/> is one of the failures <see cref="ReportStoreFailure"/> prints.</summary>
    public static bool IsStoreFailure(Exception exception) =>
        exception is BackfillException or NpgsqlException or MySqlException or BinlogException;

    /// <summary>
    /// Prints a failure of a command that reads the source (and its binlog) and the target, and returns its exit
    /// code: a plan's tables that could not be copied or compared, the target, the source, the source's binlog.
    /// </summary>
    /// <param name="console">Where to print.</param>
    /// <param name="exception">A failure <see cref="IsStoreFailure"/> accepts.</param>
    /// <param name="binlogHint">What the command was doing with the binlog, for the message.</param>
    public static int ReportStoreFailure(IAnsiConsole console, Exception exception, string binlogHint) => exception switch
    {
        BackfillException ex => Report(console, ex),
        NpgsqlException ex => Report(console, ex),
        MySqlException ex => Report(console, ex, "while reading the source"),
        BinlogException ex => Report(console, ex, binlogHint),
        _ => throw new ArgumentException($"Not a store failure: {exception.GetType().Name}.", nameof(exception)),
    };

    /// <summary>Whether the server could not be reached or refused the credentials, as opposed to rejecting a statement.</summary>
    public static bool IsConnectionFailure(MySqlException exception) =>
        exception.Number is 1045 or 1044 or 1698 or 1251 or 1040 or 1129 or 1130
        || DualWrite.MySql.MySqlErrors.IsConnectionLost(exception);

    private static void Print(IAnsiConsole console, string message, string kind, int number, string? hint)
    {
        console.MarkupLine($"[red]error[/] {Markup.Escape(message)} [grey]({Markup.Escape(kind)}, {number})[/]");
        if (hint is not null)
        {
            console.MarkupLine($"  {Markup.Escape(hint)}");
        }
    }
}
