using DualWrite.MySql;
using DualWrite.MySql.Schema;
using MySqlConnector;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary>Prints what a migration needs to know about a source server.</summary>
public static class InspectCommand
{
    private static readonly (string Variable, string Required)[] CdcRequirements =
    [
        ("log_bin", "ON"),
        ("binlog_format", "ROW"),
        ("binlog_row_image", "FULL"),
        ("binlog_row_metadata", "FULL"),
    ];

    /// <summary>Runs the inspection; returns an exit code.</summary>
    public static async Task<int> RunAsync(string? database, bool requireCdc, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var builder = SourceConnection.FromEnvironment(database);
        var target = $"{builder.Server}:{builder.Port}";
        try
        {
            var connection = new MySqlConnection(builder.ConnectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                console.MarkupLine($"[bold]Source[/] {Markup.Escape(target)} as [bold]{Markup.Escape(builder.UserID)}[/]");
                console.MarkupLine($"  server version  {Markup.Escape(connection.ServerVersion)}");
                var cipher = await SessionStatusAsync(connection, "Ssl_cipher", cancellationToken).ConfigureAwait(false);
                console.MarkupLine($"  connection      {(string.IsNullOrEmpty(cipher) ? "unencrypted" : "TLS (" + Markup.Escape(cipher) + ")")}");

                var settingsOk = await PrintBinlogSettingsAsync(connection, console, cancellationToken).ConfigureAwait(false);
                if (!string.IsNullOrEmpty(builder.Database))
                {
                    await PrintTablesAsync(connection, builder.Database, console, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    console.MarkupLine("No database selected: pass --database or set DUALWRITE_MYSQL_DATABASE to list tables.");
                }

                return requireCdc && !settingsOk ? ExitCodes.RequirementNotMet : ExitCodes.Success;
            }
        }
        catch (MySqlException ex)
        {
            return ErrorReport.Report(console, ex, $"while inspecting {target}");
        }
    }

    /// <summary>A session status value (SHOW SESSION STATUS), or null when the server has none of that name.</summary>
    private static async Task<string?> SessionStatusAsync(MySqlConnection connection, string name, CancellationToken cancellationToken)
    {
        var command = new MySqlCommand("SHOW SESSION STATUS WHERE Variable_name = @name", connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("@name", name);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.IsDBNull(1) ? reader.GetString(1) : null;
            }
        }
    }

    private static async Task<bool> PrintBinlogSettingsAsync(MySqlConnection connection, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var command = new MySqlCommand(
            "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin','binlog_format','binlog_row_image','binlog_row_metadata','server_id','gtid_binlog_pos','gtid_executed','binlog_checksum','expire_logs_days','binlog_expire_logs_seconds')",
            connection);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    values[reader.GetString(0)] = reader.IsDBNull(1) ? "" : reader.GetString(1);
                }
            }
        }

        var table = new Table().Title("Binlog settings").AddColumn("variable").AddColumn("value").AddColumn("for CDC");
        var ok = true;
        foreach (var (variable, required) in CdcRequirements)
        {
            var value = values.GetValueOrDefault(variable, "(not set)");
            var meets = string.Equals(value, required, StringComparison.OrdinalIgnoreCase);
            ok &= meets;
            table.AddRow(variable, Markup.Escape(value), meets ? "[green]ok[/]" : $"[red]needs {required}[/]");
        }

        foreach (var variable in new[] { "server_id", "binlog_checksum", "gtid_binlog_pos", "gtid_executed", "expire_logs_days", "binlog_expire_logs_seconds" })
        {
            if (values.TryGetValue(variable, out var value))
            {
                table.AddRow(variable, Markup.Escape(value.Length == 0 ? "(empty)" : value), "");
            }
        }

        console.Write(table);
        return ok;
    }

    private static async Task PrintTablesAsync(MySqlConnection connection, string database, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var tables = await MySqlSchemaReader.ReadTablesAsync(connection, database, cancellationToken).ConfigureAwait(false);
        if (tables.Count == 0)
        {
            console.MarkupLine($"Database [bold]{Markup.Escape(database)}[/] has no tables.");
            return;
        }

        var table = new Table().Title($"Tables in {Markup.Escape(database)}")
            .AddColumn("table").AddColumn("engine").AddColumn(new TableColumn("rows (est.)").RightAligned())
            .AddColumn(new TableColumn("size").RightAligned()).AddColumn("primary key");
        foreach (var source in tables)
        {
            table.AddRow(
                Markup.Escape(source.Name),
                Markup.Escape(source.Engine ?? ""),
                source.EstimatedRows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                source.EstimatedBytes is { } bytes ? FormatBytes(bytes) : "",
                source.PrimaryKey.Count == 0 ? "[red]none[/]" : Markup.Escape(string.Join(",", source.PrimaryKey)));
        }

        console.Write(table);
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.0} KiB",
        _ => $"{bytes} B",
    };
}
