using System.Globalization;
using DualWrite.MySql.Replication.Events;
using DualWrite.MySql.Replication;
using DualWrite.MySql;
using MySqlConnector;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary>Prints the binlog's committed transactions, one block per transaction.</summary>
public static class CdcTailCommand
{
    /// <summary>The command's arguments.</summary>
    /// <param name="Database">Only this database's changes, or all.</param>
    /// <param name="From">FILE:OFFSET or a MariaDB GTID state; null for the current end.</param>
    /// <param name="StopAtEnd">Stop at the end of the binlog.</param>
    /// <param name="Limit">Stop after this many transactions.</param>
    public sealed record Arguments(string? Database, string? From, bool StopAtEnd, int? Limit);

    /// <summary>Runs the command; returns an exit code.</summary>
    public static async Task<int> RunAsync(Arguments arguments, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var builder = SourceConnection.FromEnvironment(databaseOverride: "");
        var reader = new BinlogReader(builder.ConnectionString, new BinlogReaderOptions
        {
            StopAtEnd = arguments.StopAtEnd,
            IncludeTable = arguments.Database is { } db ? (schema, _) => string.Equals(schema, db, StringComparison.Ordinal) : null,
        });

        BinlogPosition start;
        try
        {
            start = arguments.From is { } from ? ParsePosition(from) : await reader.GetCurrentPositionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException ex)
        {
            console.MarkupLine($"[red]error[/] {Markup.Escape(ex.Message)}");
            return ExitCodes.InvalidArguments;
        }
        catch (BinlogException ex)
        {
            return ErrorReport.Report(console, ex);
        }

        console.MarkupLine($"[bold]Following[/] {Markup.Escape(builder.Server)}:{builder.Port} from {Markup.Escape(start.ToString())}");
        var count = 0;
        try
        {
            await foreach (var transaction in reader.ReadAsync(start, cancellationToken).ConfigureAwait(false))
            {
                if (transaction.Changes.Count == 0 && (transaction.SchemaChange is null
                    || (arguments.Database is { } only && !transaction.SchemaChange.Touches(only))))
                {
                    continue;
                }

                Print(console, transaction);
                if (++count == arguments.Limit)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (BinlogException ex)
        {
            return ErrorReport.Report(console, ex);
        }

        console.MarkupLine($"{count} transaction(s); last delivered position {Markup.Escape(reader.ReceivedPosition?.ToString() ?? start.ToString())}");
        return ExitCodes.Success;
    }

    /// <summary>FILE:OFFSET, or a MariaDB GTID state (domain-server-sequence[,...]).</summary>
    public static BinlogPosition ParsePosition(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon > 0 && ulong.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return new BinlogPosition(text[..colon], offset);
        }

        if (System.Text.RegularExpressions.Regex.IsMatch(text, @"^\d+-\d+-\d+(,\d+-\d+-\d+)*$"))
        {
            return new BinlogPosition("", 0, text);
        }

        throw new FormatException($"'{text}' is not a binlog position: use FILE:OFFSET (e.g. binlog.000003:1234) or a MariaDB GTID state (e.g. 0-1-42).");
    }

    private static void Print(IAnsiConsole console, BinlogTransaction transaction)
    {
        var when = transaction.CommitTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        console.MarkupLine($"[grey]{when}Z {Markup.Escape(transaction.Gtid ?? "-")} @ {Markup.Escape(transaction.Position.ToString())}[/]");
        if (transaction.SchemaChange is { } ddl)
        {
            console.MarkupLine($"  [yellow]DDL {ddl.Kind}[/] {Markup.Escape(ddl.Schema)}: {Markup.Escape(ddl.Sql)}");
            return;
        }

        foreach (var change in transaction.Changes)
        {
            var table = $"{change.Table.Schema}.{change.Table.Table}";
            var key = string.Join(", ", change.Key.Select(Format));
            var colour = change.Kind switch { RowsEventKind.Insert => "green", RowsEventKind.Update => "blue", _ => "red" };
            console.MarkupLine($"  [{colour}]{change.Kind,-6}[/] {Markup.Escape(table)} ({Markup.Escape(key)}){Markup.Escape(Describe(change))}");
        }
    }

    private static string Describe(RowChange change)
    {
        if (change.Kind != RowsEventKind.Update || change.Before is null || change.After is null)
        {
            return "";
        }

        var changed = change.Table.Columns
            .Where(c => !Equals(Normalise(change.Before[c.Ordinal]), Normalise(change.After[c.Ordinal])))
            .Select(c => $"{c.Name ?? "#" + c.Ordinal}: {Format(change.Before[c.Ordinal])} -> {Format(change.After[c.Ordinal])}");
        return "  " + string.Join("; ", changed);
    }

    private static object? Normalise(object? value) => value is byte[] bytes ? Convert.ToHexString(bytes) : value;

    private static string Format(object? value) => value switch
    {
        null => "NULL",
        string s => s.Length > 60 ? $"'{s[..57]}...'" : $"'{s}'",
        byte[] b => "0x" + Convert.ToHexString(b.AsSpan(0, Math.Min(b.Length, 24))) + (b.Length > 24 ? "..." : ""),
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
