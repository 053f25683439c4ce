using System.Globalization;
using System.Text;
using MySqlConnector;

namespace DualWrite.MySql.Schema;

/// <summary>
/// Reads table definitions from a MySQL/MariaDB server's <c>information_schema</c>: tables, columns, primary and
/// unique indexes, triggers, and (MariaDB) the <c>json_valid</c> checks that mark a LONGTEXT column as JSON. One
/// command of a few statements, in one round trip, whether for one table or a whole database; names are bound as
/// parameters.
/// </summary>
public static partial class MySqlSchemaReader
{
    /// <summary>
    /// Reads <paramref name="table"/> in <paramref name="database"/> (the connection's default database when null), of
    /// whatever type (a view too: see <see cref="MySqlTable.IsBaseTable"/>); null when there is no such table.
    /// </summary>
    public static async Task<MySqlTable?> ReadTableAsync(MySqlConnection connection, string? database, string table, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        var tables = await ReadAsync(connection, database, table, cancellationToken).ConfigureAwait(false);
        return tables.Count == 0 ? null : tables[0];
    }

    /// <summary>Reads every base table in <paramref name="database"/>, by name.</summary>
    public static async Task<IReadOnlyList<MySqlTable>> ReadTablesAsync(MySqlConnection connection, string database, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        var tables = await ReadAsync(connection, database, table: null, cancellationToken).ConfigureAwait(false);
        return [.. tables.Where(t => t.IsBaseTable).OrderBy(t => t.Name, StringComparer.Ordinal)];
    }

    /// <summary>Whether the server has a database named <paramref name="database"/>.</summary>
    public static async Task<bool> DatabaseExistsAsync(MySqlConnection connection, string database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(database);
        var command = new MySqlCommand("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @db", connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("@db", database);
            var count = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return Convert.ToInt64(count, CultureInfo.InvariantCulture) > 0;
        }
    }

    private static async Task<List<MySqlTable>> ReadAsync(MySqlConnection connection, string? database, string? table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = new MySqlCommand(Sql(table is not null, IsMariaDb(connection)), connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("@db", database);
            command.Parameters.AddWithValue("@table", table);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await new Rows().ReadAsync(reader, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // MySQL's CHECK_CONSTRAINTS has no TABLE_NAME, and MySQL's JSON is a type of its own.
    private static bool IsMariaDb(MySqlConnection connection) => connection.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    /// <summary>The statements <see cref="Rows"/> reads, in its order; the table filter only when one table is read.</summary>
    private static string Sql(bool oneTable, bool mariaDb)
    {
        string Where(string schema, string name) => $" WHERE {schema} = COALESCE(@db, DATABASE())" + (oneTable ? $" AND {name} = @table" : "");
        var where = Where("TABLE_SCHEMA", "TABLE_NAME");
        var sql = new StringBuilder()
            .Append("SELECT TABLE_NAME, TABLE_SCHEMA, TABLE_TYPE, ENGINE, TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH FROM information_schema.TABLES").Append(where).Append(";\n")
            .Append("SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, LOWER(DATA_TYPE), COLUMN_TYPE, IS_NULLABLE, CHARACTER_SET_NAME, COLLATION_NAME, ")
            .Append("CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, COALESCE(GENERATION_EXPRESSION, '') <> '' ")
            .Append("FROM information_schema.COLUMNS").Append(where).Append(" ORDER BY TABLE_NAME, ORDINAL_POSITION;\n")
            .Append("SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS").Append(where)
            .Append(" AND NON_UNIQUE = 0 ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX;\n")
            .Append("SELECT EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_STATEMENT FROM information_schema.TRIGGERS").Append(Where("TRIGGER_SCHEMA", "EVENT_OBJECT_TABLE")).Append(";\n");
        if (mariaDb)
        {
            sql.Append("SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS").Append(Where("CONSTRAINT_SCHEMA", "TABLE_NAME")).Append(";\n");
        }

        return sql.ToString();
    }
}
