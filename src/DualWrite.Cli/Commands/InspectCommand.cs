using DualWrite.MySql;
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
        var command = new MySqlCommand(
            """
            SELECT t.TABLE_NAME, t.ENGINE, t.TABLE_ROWS, t.DATA_LENGTH + t.INDEX_LENGTH,
                   (SELECT GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION)
                      FROM information_schema.KEY_COLUMN_USAGE k
                     WHERE k.TABLE_SCHEMA = t.TABLE_SCHEMA AND k.TABLE_NAME = t.TABLE_NAME AND k.CONSTRAINT_NAME = 'PRIMARY')
              FROM information_schema.TABLES t
             WHERE t.TABLE_SCHEMA = @db AND t.TABLE_TYPE = 'BASE TABLE'
             ORDER BY t.TABLE_NAME
            """,
            connection);
        command.Parameters.AddWithValue("@db", database);
        var table = new Table().Title($"Tables in {Markup.Escape(database)}")
            .AddColumn("table").AddColumn("engine").AddColumn(new TableColumn("rows (est.)").RightAligned())
            .AddColumn(new TableColumn("size").RightAligned()).AddColumn("primary key");
        var count = 0;
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    count++;
                    var key = reader.IsDBNull(4) ? "[red]none[/]" : Markup.Escape(reader.GetString(4));
                    table.AddRow(
                        Markup.Escape(reader.GetString(0)),
                        reader.IsDBNull(1) ? "" : Markup.Escape(reader.GetString(1)),
                        reader.IsDBNull(2) ? "" : reader.GetInt64(2).ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                        reader.IsDBNull(3) ? "" : FormatBytes(reader.GetInt64(3)),
                        key);
                }
            }
        }

        if (count == 0)
        {
            console.MarkupLine($"Database [bold]{Markup.Escape(database)}[/] has no tables.");
            return;
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
