using System.Globalization;
using DualWrite.MySql;
using MySqlConnector;

namespace DualWrite.Backfill.Schema;

/// <summary>Reads table definitions from a MySQL/MariaDB server's <c>information_schema</c>.</summary>
public static class SourceSchemaReader
{
    /// <summary>Reads <paramref name="table"/> in <paramref name="database"/>; null when there is no such base table.</summary>
    public static async Task<SourceTable?> ReadTableAsync(MySqlConnection connection, string database, string table, CancellationToken cancellationToken)
    {
        var tables = await ReadAsync(connection, database, table, cancellationToken).ConfigureAwait(false);
        return tables.Count == 0 ? null : tables[0];
    }

    /// <summary>Reads every base table in <paramref name="database"/>, by name.</summary>
    public static Task<IReadOnlyList<SourceTable>> ReadTablesAsync(MySqlConnection connection, string database, CancellationToken cancellationToken) =>
        ReadAsync(connection, database, table: null, cancellationToken);

    private static async Task<IReadOnlyList<SourceTable>> ReadAsync(MySqlConnection connection, string database, string? table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(database);
        var columns = new Dictionary<string, List<SourceColumn>>(StringComparer.Ordinal);
        var keys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var estimates = new Dictionary<string, long>(StringComparer.Ordinal);
        var filter = table is null ? "" : " AND t.TABLE_NAME = @table";
        await QueryAsync(connection, database, table,
            $"""
            SELECT t.TABLE_NAME, t.TABLE_ROWS, c.COLUMN_NAME, c.ORDINAL_POSITION, LOWER(c.DATA_TYPE), c.COLUMN_TYPE, c.IS_NULLABLE,
                   c.CHARACTER_MAXIMUM_LENGTH, c.NUMERIC_PRECISION, c.NUMERIC_SCALE, c.DATETIME_PRECISION
              FROM information_schema.TABLES t
              JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME
             WHERE t.TABLE_SCHEMA = @db AND t.TABLE_TYPE = 'BASE TABLE'{filter}
             ORDER BY t.TABLE_NAME, c.ORDINAL_POSITION
            """,
            reader =>
            {
                var name = reader.GetString(0);
                if (!columns.TryGetValue(name, out var list))
                {
                    columns[name] = list = [];
                    estimates[name] = reader.IsDBNull(1) ? 0 : Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
                }

                list.Add(new SourceColumn(
                    reader.GetString(2),
                    Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture) - 1,
                    reader.GetString(4),
                    reader.GetString(5),
                    reader.GetString(6) == "YES",
                    Optional<long>(reader, 7),
                    (int?)Optional<long>(reader, 8),
                    (int?)Optional<long>(reader, 9),
                    (int?)Optional<long>(reader, 10)));
            },
            cancellationToken).ConfigureAwait(false);

        await QueryAsync(connection, database, table,
            $"""
            SELECT k.TABLE_NAME, k.COLUMN_NAME
              FROM information_schema.KEY_COLUMN_USAGE k
             WHERE k.TABLE_SCHEMA = @db AND k.CONSTRAINT_NAME = 'PRIMARY'{filter.Replace("t.", "k.", StringComparison.Ordinal)}
             ORDER BY k.TABLE_NAME, k.ORDINAL_POSITION
            """,
            reader =>
            {
                var name = reader.GetString(0);
                if (!keys.TryGetValue(name, out var list))
                {
                    keys[name] = list = [];
                }

                list.Add(reader.GetString(1));
            },
            cancellationToken).ConfigureAwait(false);

        // MariaDB's JSON is LONGTEXT with a json_valid() check; the check is what marks it as JSON.
        foreach (var (name, column) in await JsonChecksAsync(connection, database, table, cancellationToken).ConfigureAwait(false))
        {
            if (columns.TryGetValue(name, out var list))
            {
                var index = list.FindIndex(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase));
                if (index >= 0 && list[index].DataType == "longtext")
                {
                    list[index] = list[index] with { DataType = "json", ColumnType = "json" };
                }
            }
        }

        return columns
            .Select(t => new SourceTable(database, t.Key, t.Value, keys.TryGetValue(t.Key, out var k) ? k : [], estimates[t.Key]))
            .ToList();
    }

    private static async Task<List<(string Table, string Column)>> JsonChecksAsync(MySqlConnection connection, string database, string? table, CancellationToken cancellationToken)
    {
        var found = new List<(string, string)>();
        await QueryAsync(connection, database, table,
            "SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = @db" + (table is null ? "" : " AND TABLE_NAME = @table"),
            reader =>
            {
                var clause = reader.GetString(1).Trim();
                if (clause.StartsWith("json_valid(`", StringComparison.OrdinalIgnoreCase) && clause.EndsWith("`)", StringComparison.Ordinal))
                {
                    found.Add((reader.GetString(0), clause["json_valid(`".Length..^2].Replace("``", "`", StringComparison.Ordinal)));
                }
            },
            cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>Runs an information_schema query with <c>@db</c> (and <c>@table</c> when given) bound, handing each row to <paramref name="row"/>.</summary>
    private static async Task QueryAsync(MySqlConnection connection, string database, string? table, string sql, Action<MySqlDataReader> row, CancellationToken cancellationToken)
    {
        var command = new MySqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("@db", database);
            if (table is not null)
            {
                command.Parameters.AddWithValue("@table", table);
            }

            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    row(reader);
                }
            }
        }
    }

    private static T? Optional<T>(MySqlDataReader reader, int ordinal)
        where T : struct =>
        reader.IsDBNull(ordinal) ? null : (T)Convert.ChangeType(reader.GetValue(ordinal), typeof(T), CultureInfo.InvariantCulture);
}
