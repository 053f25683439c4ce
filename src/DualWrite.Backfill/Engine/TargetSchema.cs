using System.Globalization;
using Npgsql;

namespace DualWrite.Backfill.Engine;

/// <summary>
/// The target side's tables: each mapped table with its <c>_dw_version</c> column and tombstone table, and the
/// backfill's control tables (ranges with their checkpoints, and the plan's catch-up position) in the same schema,
/// so a chunk and its checkpoint commit in one transaction.
/// </summary>
internal static class TargetSchema
{
    public const string VersionColumn = "_dw_version";
    public const string DeletedColumn = "_dw_deleted";

    public static string Ranges(string schema) => Sql.Pg(schema, "dualwrite_backfill_ranges");

    public static string Plans(string schema) => Sql.Pg(schema, "dualwrite_backfill_plans");

    public static async Task EnsureControlTablesAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, $"""
            CREATE SCHEMA IF NOT EXISTS {Sql.Pg(schema)};
            CREATE TABLE IF NOT EXISTS {Ranges(schema)} (
              plan text NOT NULL, entity text NOT NULL, range_no integer NOT NULL,
              low_key text NULL, high_key text NULL, last_key text NULL,
              done boolean NOT NULL DEFAULT false, rows bigint NOT NULL DEFAULT 0,
              updated_at timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (plan, entity, range_no));
            CREATE TABLE IF NOT EXISTS {Plans(schema)} (
              plan text PRIMARY KEY,
              cdc_file text NULL, cdc_offset bigint NULL, cdc_sequence bigint NULL,
              cdc_started boolean NOT NULL DEFAULT false,
              updated_at timestamptz NOT NULL DEFAULT now());
            """, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the table and its tombstone table, or checks that an existing one has the mapped columns.</summary>
    public static async Task EnsureTableAsync(NpgsqlConnection connection, TableSpec table, CancellationToken cancellationToken)
    {
        var existing = await ColumnsAsync(connection, table.TargetSchema, table.TargetTable, cancellationToken).ConfigureAwait(false);
        if (existing.Count > 0)
        {
            var missing = table.Columns.Select(c => c.Target).Append(VersionColumn).Where(c => !existing.Contains(c)).ToList();
            if (missing.Count > 0)
            {
                throw new BackfillException(BackfillError.TargetMismatch,
                    $"The target table {table.TargetSchema}.{table.TargetTable} exists without the column(s) {string.Join(", ", missing)}; drop it, or point the plan at another target table.");
            }
        }

        var columns = table.Columns.Select(c =>
            $"{Sql.Pg(c.Target)} {c.Type.Sql}{(c.Source.IsNullable ? "" : " NOT NULL")}" +
            (c.Type.Check is { } check ? $" CHECK ({string.Format(CultureInfo.InvariantCulture, check, Sql.Pg(c.Target))})" : ""));
        var keys = string.Join(", ", table.Keys.Select(k => Sql.Pg(k.Target)));
        await ExecuteAsync(connection, $"""
            CREATE SCHEMA IF NOT EXISTS {Sql.Pg(table.TargetSchema)};
            CREATE TABLE IF NOT EXISTS {table.TargetName} ({string.Join(", ", columns)}, {Sql.Pg(VersionColumn)} bigint NOT NULL, PRIMARY KEY ({keys}));
            CREATE TABLE IF NOT EXISTS {table.TombstoneName} ({string.Join(", ", table.Keys.Select(k => $"{Sql.Pg(k.Target)} {k.Type.Sql} NOT NULL"))}, {Sql.Pg(VersionColumn)} bigint NOT NULL, PRIMARY KEY ({keys}));
            """, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Drops the table and its tombstones and forgets the plan's checkpoints for it (a re-snapshot), so the table is
    /// created afresh from the current mapping.
    /// </summary>
    public static async Task ResetAsync(NpgsqlConnection connection, string plan, TableSpec table, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            $"DROP TABLE IF EXISTS {table.TargetName}, {table.TombstoneName}; DELETE FROM {Ranges(table.TargetSchema)} WHERE plan = @plan AND entity = @entity;",
            connection);
        command.Parameters.AddWithValue("plan", plan);
        command.Parameters.AddWithValue("entity", table.Entity);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets up a session that writes chunks or catch-up batches. Their commits do not wait for the WAL flush
    /// (<c>synchronous_commit = off</c>): each commit holds its data and its checkpoint together, so a server crash
    /// can only lose the last few commits whole, and the next run redoes them from the older checkpoint.
    /// </summary>
    public static Task PrepareWriterSessionAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, "SET synchronous_commit TO off", cancellationToken);

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<HashSet<string>> ColumnsAsync(NpgsqlConnection connection, string schema, string table, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = @schema AND table_name = @table", connection);
        command.Parameters.AddWithValue("schema", schema);
        command.Parameters.AddWithValue("table", table);
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
