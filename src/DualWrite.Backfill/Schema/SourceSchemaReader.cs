using DualWrite.MySql.Schema;
using MySqlConnector;

namespace DualWrite.Backfill.Schema;

/// <summary>A source table as the backfill reads it: through <see cref="MySqlSchemaReader"/>, base tables only.</summary>
internal static class SourceSchemaReader
{
    /// <summary>Reads <paramref name="table"/> in <paramref name="database"/>; null when there is no such base table.</summary>
    public static async Task<MySqlTable?> ReadTableAsync(MySqlConnection connection, string database, string table, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        var read = await MySqlSchemaReader.ReadTableAsync(connection, database, table, cancellationToken).ConfigureAwait(false);
        return read is { IsBaseTable: true } ? read : null;
    }
}
