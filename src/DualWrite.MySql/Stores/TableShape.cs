using MySqlConnector;

namespace DualWrite.MySql.Stores;

/// <summary>What information_schema says about a table: its database, engine, columns, unique indexes and triggers.</summary>
internal sealed class TableShape
{
    private readonly Dictionary<string, ColumnShape> _columns = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<List<string>> _uniqueIndexes = [];

    /// <summary>The database the table was found in, or null when it does not exist.</summary>
    public string? Schema { get; private set; }

    public string? Engine { get; private set; }

    /// <summary>The table's triggers by name, with their bodies.</summary>
    public Dictionary<string, string> Triggers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ColumnShape? Column(string name) => _columns.GetValueOrDefault(name);

    /// <summary>Whether a primary or unique index covers exactly <paramref name="columns"/>, whole (no prefix), in that order.</summary>
    public bool HasUniqueIndexOn(IReadOnlyList<string> columns) =>
        _uniqueIndexes.Exists(index => index.SequenceEqual(columns, StringComparer.OrdinalIgnoreCase));

    public static async Task<TableShape> ReadAsync(MySqlConnection connection, string? database, string table, CancellationToken cancellationToken)
    {
        var shape = new TableShape();
        var batch = new SqlBatch();
        const string Where = "WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?";
        batch.Statement($"SELECT TABLE_SCHEMA, ENGINE FROM information_schema.TABLES {Where}");
        batch.Statement($"SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS {Where}");
        batch.Statement($"SELECT INDEX_NAME, COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS {Where} AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX");
        batch.Statement("SELECT TRIGGER_NAME, ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = COALESCE(?, DATABASE()) AND EVENT_OBJECT_TABLE = ?");
        var command = batch.ToCommand(connection);
        for (var i = 0; i < 4; i++)
        {
            command.Parameters.Add(new MySqlParameter { Value = database });
            command.Parameters.Add(new MySqlParameter { Value = table });
        }

        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    shape.Schema = reader.GetString(0);
                    shape.Engine = reader.IsDBNull(1) ? "(none: a view?)" : reader.GetString(1);
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var column = new ColumnShape(reader.GetString(1), reader.GetString(2), NullableString(reader, 3), NullableString(reader, 4));
                    shape._columns[reader.GetString(0)] = column;
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                string? current = null;
                List<string>? columns = null;
                var prefixed = new HashSet<string>(StringComparer.Ordinal);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var index = reader.GetString(0);
                    if (index != current)
                    {
                        current = index;
                        columns = [];
                        shape._uniqueIndexes.Add(columns);
                    }

                    columns!.Add(reader.GetString(1));
                    if (!reader.IsDBNull(2))
                    {
                        // A prefix index is unique on the prefix only, not on the whole key.
                        columns.Add("\0prefix");
                    }
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    shape.Triggers[reader.GetString(0)] = reader.GetString(1);
                }
            }
        }

        return shape;
    }

    private static string? NullableString(MySqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
