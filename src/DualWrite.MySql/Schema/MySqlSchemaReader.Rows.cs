using System.Globalization;
using MySqlConnector;

namespace DualWrite.MySql.Schema;

/// <content>The result sets of the schema query, gathered per table.</content>
public static partial class MySqlSchemaReader
{
    private sealed class Rows
    {
        private const string JsonCheckStart = "json_valid(`";
        private const string JsonCheckEnd = "`)";

        private readonly List<(string Name, string Database, string Type, string? Engine, long Rows, long? Bytes)> _tables = [];
        private readonly Dictionary<string, List<MySqlColumn>> _columns = new(StringComparer.Ordinal);
        private readonly Dictionary<(string Table, string Index), (List<string> Columns, bool Prefixed)> _indexes = [];
        private readonly Dictionary<string, Dictionary<string, string>> _triggers = new(StringComparer.Ordinal);

        public async Task<List<MySqlTable>> ReadAsync(MySqlDataReader reader, CancellationToken cancellationToken)
        {
            await EachAsync(reader, r => _tables.Add((r.GetString(0), r.GetString(1), r.GetString(2), String(r, 3), Long(r, 4) ?? 0, Long(r, 5))), cancellationToken).ConfigureAwait(false);
            await NextAsync(reader, cancellationToken).ConfigureAwait(false);
            await EachAsync(reader, r => ColumnsOf(r.GetString(0)).Add(Column(r)), cancellationToken).ConfigureAwait(false);
            await NextAsync(reader, cancellationToken).ConfigureAwait(false);
            await EachAsync(reader, IndexColumn, cancellationToken).ConfigureAwait(false);
            await NextAsync(reader, cancellationToken).ConfigureAwait(false);
            await EachAsync(reader, Trigger, cancellationToken).ConfigureAwait(false);
            if (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
                await EachAsync(reader, JsonCheck, cancellationToken).ConfigureAwait(false);
            }

            return [.. _tables.Select(t => new MySqlTable(
                t.Database,
                t.Name,
                t.Type,
                t.Engine,
                ColumnsOf(t.Name),
                [.. _indexes.Where(i => i.Key.Table == t.Name).Select(i => new MySqlUniqueIndex(i.Key.Index, i.Value.Columns, i.Value.Prefixed))],
                _triggers.TryGetValue(t.Name, out var triggers) ? triggers : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase),
                t.Rows,
                t.Bytes))];
        }

        private List<MySqlColumn> ColumnsOf(string table) =>
            _columns.TryGetValue(table, out var list) ? list : _columns[table] = [];

        private static MySqlColumn Column(MySqlDataReader r) => new(
            r.GetString(1),
            (int)Long(r, 2)!.Value - 1,
            r.GetString(3),
            r.GetString(4),
            r.GetString(5) == "YES",
            String(r, 6),
            String(r, 7),
            Long(r, 8),
            (int?)Long(r, 9),
            (int?)Long(r, 10),
            (int?)Long(r, 11),
            Long(r, 12) == 1);

        private void IndexColumn(MySqlDataReader r)
        {
            var key = (r.GetString(0), r.GetString(1));
            var index = _indexes.TryGetValue(key, out var found) ? found : ([], false);
            index.Columns.Add(r.GetString(2));
            _indexes[key] = (index.Columns, index.Prefixed || !r.IsDBNull(3));
        }

        private void Trigger(MySqlDataReader r)
        {
            var table = r.GetString(0);
            if (!_triggers.TryGetValue(table, out var triggers))
            {
                _triggers[table] = triggers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            }

            triggers[r.GetString(1)] = r.GetString(2);
        }

        /// <summary>MariaDB's JSON is LONGTEXT with a <c>json_valid(`column`)</c> check; the check is what marks it as JSON.</summary>
        private void JsonCheck(MySqlDataReader r)
        {
            var clause = r.GetString(1).Trim();
            if (!clause.StartsWith(JsonCheckStart, StringComparison.OrdinalIgnoreCase) || !clause.EndsWith(JsonCheckEnd, StringComparison.Ordinal)
                || !_columns.TryGetValue(r.GetString(0), out var columns))
            {
                return;
            }

            var name = clause[JsonCheckStart.Length..^JsonCheckEnd.Length].Replace("``", "`", StringComparison.Ordinal);
            var index = columns.FindIndex(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
            if (index >= 0 && columns[index].DataType == "longtext")
            {
                columns[index] = columns[index] with { DataType = "json", ColumnType = "json" };
            }
        }

        private static async Task EachAsync(MySqlDataReader reader, Action<MySqlDataReader> row, CancellationToken cancellationToken)
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                row(reader);
            }
        }

        private static async Task NextAsync(MySqlDataReader reader, CancellationToken cancellationToken)
        {
            if (!await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException("The information_schema query returned fewer result sets than it has statements.");
            }
        }

        private static string? String(MySqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

        private static long? Long(MySqlDataReader reader, int ordinal) =>
            reader.IsDBNull(ordinal) ? null : Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);
    }
}
