using DualWrite.Migration.Engine;
using DualWrite.PostgreSql;
using Npgsql;

namespace DualWrite.Migration.Reconcile;

/// <summary>The summary of an entity's last finished reconciliation, as the gates read it.</summary>
/// <param name="RunId">The run.</param>
/// <param name="FinishedAt">When it finished.</param>
/// <param name="Clean">Whether no difference persisted.</param>
/// <param name="SchemaFingerprint">The shapes it compared.</param>
/// <param name="VerifiedAs">The position it holds at, when the feed got there.</param>
/// <param name="Differences">Missing, extra, differing and lagging keys together.</param>
public sealed record ReconcileRunSummary(long RunId, DateTimeOffset FinishedAt, bool Clean, string SchemaFingerprint, string? VerifiedAs, long Differences);

/// <summary>
/// The reconciler's control tables in the target's control schema, beside the backfill's: one row per run with its
/// summary (and its JSON report once finished) and the key ranges it compares, one row per finished chunk (what a killed
/// run resumes from: its last key, digests, and the differences and repairs that persisted, by key, kind, columns and
/// versions, never values), and one row per repair (<c>key</c> as reports show it, <c>key_values</c> as
/// <see cref="DualWrite.Core.Reconciliation.CanonicalEncoding.ToText"/> writes it).
/// </summary>
public static class ReconcileRuns
{
    internal static string Runs(string schema) => PgNames.Qualify(schema, "dualwrite_reconcile_runs");

    internal static string Chunks(string schema) => PgNames.Qualify(schema, "dualwrite_reconcile_chunks");

    internal static string Repairs(string schema) => PgNames.Qualify(schema, "dualwrite_reconcile_repairs");

    /// <summary>Creates the tables when missing.</summary>
    public static Task EnsureAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken) =>
        TargetSchema.ExecuteAsync(connection, $"""
            CREATE SCHEMA IF NOT EXISTS {PgNames.Quote(schema)};
            CREATE TABLE IF NOT EXISTS {Runs(schema)} (
              run_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              plan text NOT NULL, entity text NOT NULL,
              started_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz NULL,
              schema_fingerprint text NOT NULL,
              clean boolean NULL,
              source_rows bigint NULL, target_rows bigint NULL, chunks bigint NULL,
              missing bigint NULL, extra bigint NULL, differing bigint NULL, lagging bigint NULL,
              rechecked bigint NULL, repaired bigint NULL,
              verified_as text NULL, verified_ordinal bigint NULL, duration_ms bigint NULL,
              ranges text NULL,
              report jsonb NULL);
            CREATE INDEX IF NOT EXISTS {PgNames.Quote("dualwrite_reconcile_runs_entity")} ON {Runs(schema)} (plan, entity, run_id DESC);
            CREATE TABLE IF NOT EXISTS {Chunks(schema)} (
              run_id bigint NOT NULL REFERENCES {Runs(schema)} (run_id) ON DELETE CASCADE,
              range_no integer NOT NULL, chunk_no integer NOT NULL,
              last_key text NULL, source_rows bigint NOT NULL, target_rows bigint NOT NULL,
              source_digest text NOT NULL, target_digest text NOT NULL, rechecked bigint NOT NULL,
              final boolean NOT NULL,
              differences jsonb NOT NULL DEFAULT '[]', repairs jsonb NOT NULL DEFAULT '[]',
              finished_at timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (run_id, range_no, chunk_no));
            CREATE TABLE IF NOT EXISTS {Repairs(schema)} (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              run_id bigint NOT NULL, plan text NOT NULL, entity text NOT NULL,
              key text NOT NULL, key_values text NOT NULL, kind text NOT NULL, version bigint NOT NULL, applied boolean NOT NULL,
              at timestamptz NOT NULL DEFAULT now());
            CREATE INDEX IF NOT EXISTS {PgNames.Quote("dualwrite_reconcile_repairs_run")} ON {Repairs(schema)} (run_id);
            """, cancellationToken);

    /// <summary>The entity's last finished run, or null when it was never reconciled (or the tables do not exist yet).</summary>
    public static async Task<ReconcileRunSummary?> LastFinishedAsync(NpgsqlConnection connection, string schema, string plan, string entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!await ExistsAsync(connection, schema, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        using var command = new NpgsqlCommand(
            $"""
            SELECT run_id, finished_at, clean, schema_fingerprint, verified_as, missing + extra + differing + lagging
              FROM {Runs(schema)} WHERE plan = @plan AND entity = @entity AND finished_at IS NOT NULL
             ORDER BY run_id DESC LIMIT 1
            """, connection);
        command.Parameters.AddWithValue("plan", plan);
        command.Parameters.AddWithValue("entity", entity);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new ReconcileRunSummary(
            reader.GetInt64(0),
            reader.GetFieldValue<DateTimeOffset>(1),
            reader.GetBoolean(2),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? 0 : reader.GetInt64(5));
    }

    /// <summary>The JSON report (<c>dualwrite.reconcile/v1</c>, without values) of the entity's last finished run, or null when there is none.</summary>
    public static async Task<string?> LastReportAsync(NpgsqlConnection connection, string schema, string plan, string entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!await ExistsAsync(connection, schema, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        using var command = new NpgsqlCommand(
            $"""
            SELECT report::text FROM {Runs(schema)}
             WHERE plan = @plan AND entity = @entity AND finished_at IS NOT NULL AND report IS NOT NULL
             ORDER BY run_id DESC LIMIT 1
            """, connection);
        command.Parameters.AddWithValue("plan", plan);
        command.Parameters.AddWithValue("entity", entity);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        using var exists = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection);
        exists.Parameters.AddWithValue("name", Runs(schema));
        return (bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
