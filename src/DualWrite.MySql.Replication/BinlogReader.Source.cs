using System.Globalization;
using DualWrite.MySql.Replication.Protocol;
using MySqlConnector;

namespace DualWrite.MySql.Replication;

public sealed partial class BinlogReader
{
    private static readonly (string Variable, string Required, string Fix)[] Requirements =
    [
        ("log_bin", "1", "start the server with --log-bin"),
        ("binlog_format", "ROW", "SET GLOBAL binlog_format = 'ROW' (and binlog_format=ROW in the server configuration)"),
        ("binlog_row_image", "FULL", "SET GLOBAL binlog_row_image = 'FULL' (and binlog_row_image=FULL in the server configuration)"),
        ("binlog_row_metadata", "FULL", "SET GLOBAL binlog_row_metadata = 'FULL' (and binlog_row_metadata=FULL in the server configuration)"),
    ];

    /// <summary>
    /// Checks that the source can feed change data capture: row-based binlog with full images and
    /// full metadata, and the replication privileges. Throws <see cref="BinlogException"/> with
    /// <see cref="BinlogErrorKind.SourceMisconfigured"/> listing every problem and how to fix it.
    /// </summary>
    public async Task CheckSourceAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenQueryConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var problems = new List<string>();
            var values = await ReadVariablesAsync(connection, cancellationToken).ConfigureAwait(false);
            foreach (var (variable, required, fix) in Requirements)
            {
                var value = values.GetValueOrDefault(variable);
                var ok = variable == "log_bin"
                    ? value is "1" or "ON"
                    : string.Equals(value, required, StringComparison.OrdinalIgnoreCase);
                if (!ok)
                {
                    problems.Add($"{variable} is {value ?? "not available"}, needs {required}: {fix}");
                }
            }

            var grants = await ReadGrantsAsync(connection, cancellationToken).ConfigureAwait(false);
            if (!grants.Contains("ALL PRIVILEGES") && !grants.Contains("REPLICATION SLAVE"))
            {
                problems.Add("the account lacks REPLICATION SLAVE: GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO the reader's account");
            }

            if (problems.Count > 0)
            {
                throw new BinlogException(BinlogErrorKind.SourceMisconfigured, ClientErrors.SourceMisconfigured, null,
                    $"The source at {_settings.Endpoint} cannot feed change data capture: " + string.Join("; ", problems) + ".");
            }
        }
    }

    /// <summary>The source's current binlog end (and MariaDB GTID state): where a reader starting now begins.</summary>
    public async Task<BinlogPosition> GetCurrentPositionAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenQueryConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var isMariaDb = connection.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
            // MySQL 8.4 renamed SHOW MASTER STATUS; its fifth column is the executed GTID set.
            var statement = !isMariaDb && Version.TryParse(connection.ServerVersion.Split('-')[0], out var version) && version >= new Version(8, 2)
                ? "SHOW BINARY LOG STATUS"
                : "SHOW MASTER STATUS";
            string file;
            ulong offset;
            string? gtids = null;
            var command = new MySqlCommand(statement, connection);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        throw new BinlogException(BinlogErrorKind.SourceMisconfigured, ClientErrors.SourceMisconfigured, null,
                            $"The source at {_settings.Endpoint} has no binary log: start it with --log-bin.");
                    }

                    file = reader.GetString(0);
                    offset = reader.GetUInt64(1);
                    if (!isMariaDb && reader.FieldCount > 4 && !reader.IsDBNull(4))
                    {
                        gtids = reader.GetString(4).Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal);
                    }
                }
            }

            if (isMariaDb)
            {
                gtids = await ScalarStringAsync(connection, "SELECT @@gtid_binlog_pos", cancellationToken).ConfigureAwait(false);
            }

            return new BinlogPosition(file, offset, string.IsNullOrEmpty(gtids) ? null : gtids);
        }
    }

    /// <summary>
    /// Checks that the binlog file of <paramref name="position"/> is still on the source; throws
    /// <see cref="BinlogErrorKind.BinlogPurged"/> when it is not (the table must be re-snapshotted).
    /// </summary>
    public async Task EnsureAvailableAsync(BinlogPosition position, CancellationToken cancellationToken = default)
    {
        var connection = await OpenQueryConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var files = new List<string>();
            await ForEachRowAsync(connection, "SHOW BINARY LOGS", row => files.Add(row.GetString(0)), cancellationToken).ConfigureAwait(false);

            if (!files.Contains(position.File, StringComparer.Ordinal))
            {
                throw new BinlogException(BinlogErrorKind.BinlogPurged, ClientErrors.BinlogPurged, null,
                    $"The binlog file {position.File} of the checkpoint {position} is no longer on the source " +
                    $"(it has {(files.Count == 0 ? "none" : files[0] + " .. " + files[^1])}): binlog purged, a re-snapshot is needed.");
            }
        }
    }

    /// <summary>
    /// A MySqlConnector connection for the start-up queries; a failure to open it is a <see cref="BinlogException"/>
    /// of the matching kind (MySqlConnector's exception inside), so the reader fails with one exception type.
    /// </summary>
    private async Task<MySqlConnection> OpenQueryConnectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _openQueryConnection(cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException ex) when (ex.InnerException is System.Security.Authentication.AuthenticationException tls)
        {
            // MySqlConnector reports a failed TLS handshake (an unrelated CA, say) as UnableToConnectToHost: it is a TLS error.
            throw new BinlogException(BinlogErrorKind.Tls, ClientErrors.SslConnectionError, ex.SqlState,
                $"Cannot query the source at {_settings.Endpoint}: {ex.Message} ({tls.Message}); check SslMode and SslCa.", ex);
        }
        catch (MySqlException ex)
        {
            var kind = ex.Number switch
            {
                // ER_ACCESS_DENIED_ERROR, ER_DBACCESS_DENIED_ERROR, ER_NOT_SUPPORTED_AUTH_MODE, ER_ACCESS_DENIED_NO_PASSWORD_ERROR, CR_AUTH_PLUGIN_CANNOT_LOAD
                1045 or 1044 or 1251 or 1698 or 2059 => BinlogErrorKind.Authentication,
                // ER_CON_COUNT_ERROR, ER_HOST_IS_BLOCKED, ER_HOST_NOT_PRIVILEGED
                1040 or 1129 or 1130 => BinlogErrorKind.ConnectionFailed,
                _ when ex.ErrorCode == MySqlErrorCode.UnableToConnectToHost || ex.IsTransient => BinlogErrorKind.ConnectionFailed,
                _ => BinlogErrorKind.Server,
            };
            throw new BinlogException(kind, ex.Number, ex.SqlState, $"Cannot query the source at {_settings.Endpoint}: {ex.Message}", ex);
        }
    }

    private static async Task<Dictionary<string, string?>> ReadVariablesAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        await ForEachRowAsync(connection,
            "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin','binlog_format','binlog_row_image','binlog_row_metadata')",
            row => values[row.GetString(0)] = row.IsDBNull(1) ? null : row.GetString(1),
            cancellationToken).ConfigureAwait(false);
        return values;
    }

    private static async Task<HashSet<string>> ReadGrantsAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var privileges = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await ForEachRowAsync(connection, "SHOW GRANTS FOR CURRENT_USER()", row =>
        {
            var grant = row.GetString(0);
            var on = grant.IndexOf(" ON ", StringComparison.OrdinalIgnoreCase);
            // Replication privileges are global: only GRANT ... ON *.* counts.
            if (!grant.StartsWith("GRANT ", StringComparison.OrdinalIgnoreCase) || on < 0
                || !grant.AsSpan(on + 4).TrimStart().StartsWith("*.*", StringComparison.Ordinal))
            {
                return;
            }

            foreach (var privilege in grant[6..on].Split(','))
            {
                privileges.Add(privilege.Trim());
            }
        }, cancellationToken).ConfigureAwait(false);
        return privileges;
    }

    private static async Task ForEachRowAsync(MySqlConnection connection, string sql, Action<MySqlDataReader> onRow, CancellationToken cancellationToken)
    {
        var command = new MySqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    onRow(reader);
                }
            }
        }
    }

    private static async Task<string?> ScalarStringAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new MySqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return value is null or DBNull ? null : Convert.ToString(value, CultureInfo.InvariantCulture);
        }
    }
}
