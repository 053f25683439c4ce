using System.Globalization;
using DualWrite.PostgreSql;
using DualWrite.PostgreSql.Stores;
using DualWrite.PostgreSql.Tables;
using Npgsql;

namespace DualWrite.Migration.Engine;

/// <summary>
/// The target side's tables: each mapped table with its <c>_dw_version</c> column and tombstone table, and the
/// backfill's control tables (ranges with their checkpoints, and the plan's catch-up position and last measured lag)
/// in the same schema, so a chunk and its checkpoint commit in one transaction.
/// </summary>
internal static class TargetSchema
{
    public static string Ranges(string schema) => PgNames.Qualify(schema, "dualwrite_backfill_ranges");

    public static string Plans(string schema) => PgNames.Qualify(schema, "dualwrite_backfill_plans");

    /// <summary>Every chunk committed, one row each: what the snapshot copied, by whom, and proof that no chunk was copied twice.</summary>
    public static string Chunks(string schema) => PgNames.Qualify(schema, "dualwrite_backfill_chunks");

    /// <summary>The processes working on a plan, each with the PostgreSQL session that shows it alive.</summary>
    public static string Workers(string schema) => PgNames.Qualify(schema, "dualwrite_backfill_workers");

    /// <summary>
    /// Creates the control tables, or brings older ones up to date. When they are already current nothing is run: the
    /// DDL takes exclusive locks, and a worker joining a running plan must not block (or deadlock with) the chunks that
    /// other workers commit meanwhile.
    /// </summary>
    public static async Task EnsureControlTablesAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        using (var current = new NpgsqlCommand(
            """
            SELECT count(*) FROM information_schema.columns
             WHERE table_schema = @schema AND (table_name, column_name) IN
                   (('dualwrite_backfill_ranges', 'lease_until'), ('dualwrite_backfill_plans', 'cdc_ended_caught_up'),
                    ('dualwrite_backfill_chunks', 'claim_no'), ('dualwrite_backfill_workers', 'backend_start'))
            """,
            connection))
        {
            current.Parameters.AddWithValue("schema", schema);
            if ((long)(await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 4)
            {
                return;
            }
        }

        await ExecuteAsync(connection, $"""
            CREATE SCHEMA IF NOT EXISTS {PgNames.Quote(schema)};
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
            ALTER TABLE {Plans(schema)} ADD COLUMN IF NOT EXISTS lag_ms bigint NULL, ADD COLUMN IF NOT EXISTS lag_measured_at timestamptz NULL,
              ADD COLUMN IF NOT EXISTS leader text NULL, ADD COLUMN IF NOT EXISTS leader_since timestamptz NULL,
              ADD COLUMN IF NOT EXISTS cdc_ended_caught_up boolean NOT NULL DEFAULT false;
            ALTER TABLE {Ranges(schema)} ADD COLUMN IF NOT EXISTS claimed_by text NULL, ADD COLUMN IF NOT EXISTS claim_no bigint NOT NULL DEFAULT 0,
              ADD COLUMN IF NOT EXISTS claim_pid integer NULL, ADD COLUMN IF NOT EXISTS claim_backend_start timestamptz NULL,
              ADD COLUMN IF NOT EXISTS lease_until timestamptz NULL;
            CREATE TABLE IF NOT EXISTS {Chunks(schema)} (
              plan text NOT NULL, entity text NOT NULL, range_no integer NOT NULL,
              after_key text NOT NULL, last_key text NOT NULL, rows integer NOT NULL,
              worker text NOT NULL, claim_no bigint NOT NULL, committed_at timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (plan, entity, range_no, after_key));
            CREATE TABLE IF NOT EXISTS {Workers(schema)} (
              plan text NOT NULL, worker text NOT NULL, pid integer NOT NULL, backend_start timestamptz NOT NULL,
              state text NOT NULL, started_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (plan, worker));
            """, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the target table and its tombstone table (<see cref="VersionedTable.CreateAsync"/>), or checks that an
    /// existing one fits the mapping.
    /// </summary>
    /// <exception cref="BackfillException">An existing table lacks a mapped column, the version column or the key's unique index (<see cref="BackfillError.TargetMismatch"/>).</exception>
    public static async Task EnsureTableAsync(NpgsqlConnection connection, TableSpec table, CancellationToken cancellationToken)
    {
        var definitions = table.Columns.ToDictionary(
            c => c.Target,
            c => c.Type.Sql + (c.Source.IsNullable ? "" : " NOT NULL") +
                (c.Type.Check is { } check ? $" CHECK ({string.Format(CultureInfo.InvariantCulture, check, PgNames.Quote(c.Target))})" : ""),
            StringComparer.Ordinal);
        try
        {
            await table.Target.CreateAsync(connection, definitions, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgreSqlStoreException ex) when (ex.Kind == PostgreSqlStoreErrorKind.SchemaMismatch)
        {
            throw new BackfillException(BackfillError.TargetMismatch,
                $"The target table {table.TargetSchema}.{table.TargetTable} exists but does not fit the plan ({ex.Message}); drop it, or point the plan at another target table.", ex);
        }
    }

    /// <summary>
    /// Drops the table and its tombstones and forgets the plan's checkpoints for it (a re-snapshot), so the table is
    /// created afresh from the current mapping.
    /// </summary>
    public static async Task ResetAsync(NpgsqlConnection connection, string plan, TableSpec table, CancellationToken cancellationToken)
    {
        await table.Target.DropAsync(connection, cancellationToken).ConfigureAwait(false);
        using var command = new NpgsqlCommand(
            $"DELETE FROM {Ranges(table.TargetSchema)} WHERE plan = @plan AND entity = @entity; DELETE FROM {Chunks(table.TargetSchema)} WHERE plan = @plan AND entity = @entity",
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
}
