using System.Text.Json;
using System.Text.Json.Serialization;
using DualWrite.Core.Reconciliation;
using Npgsql;
using NpgsqlTypes;

namespace DualWrite.Migration.Reconcile;

/// <summary>
/// One plan entity's reconciliation runs in the control tables (<see cref="ReconcileRuns"/>): a run row, one row per
/// finished chunk, and the repairs. A run is resumed until it finishes, unless asked to start afresh or the mapping's
/// fingerprint changed since it started (its chunks compared another shape); its key ranges are kept with it, so the
/// resumed run cuts the key space as the killed one did.
/// </summary>
internal sealed class PlanCheckpoints : IReconcileCheckpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly NpgsqlDataSource _target;
    private readonly string _schema;
    private readonly string _plan;
    private readonly string _entity;
    private readonly string _fingerprint;
    private long? _runId;

    public PlanCheckpoints(NpgsqlDataSource target, string schema, string plan, string entity, string fingerprint)
    {
        _target = target;
        _schema = schema;
        _plan = plan;
        _entity = entity;
        _fingerprint = fingerprint;
    }

    /// <summary>The run begun or resumed.</summary>
    /// <exception cref="InvalidOperationException">No run has begun.</exception>
    public long RunId => _runId ?? throw new InvalidOperationException($"No reconciliation run of '{_entity}' has begun.");

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChunkResult>> BeginAsync(string entity, bool fresh, CancellationToken cancellationToken)
    {
        CheckEntity(entity);
        var connection = await _target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await ReconcileRuns.EnsureAsync(connection, _schema, cancellationToken).ConfigureAwait(false);
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                long? resume = null;
                using (var last = new NpgsqlCommand(
                    $"SELECT run_id, finished_at IS NULL AND schema_fingerprint = @fingerprint FROM {ReconcileRuns.Runs(_schema)} WHERE plan = @plan AND entity = @entity ORDER BY run_id DESC LIMIT 1 FOR UPDATE",
                    connection, transaction))
                {
                    Identify(last);
                    last.Parameters.AddWithValue("fingerprint", _fingerprint);
                    using var reader = await last.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetBoolean(1) && !fresh)
                    {
                        resume = reader.GetInt64(0);
                    }
                }

                if (resume is null)
                {
                    // An unfinished run is forgotten with its chunks (its repairs stay on record).
                    using var forget = new NpgsqlCommand($"DELETE FROM {ReconcileRuns.Runs(_schema)} WHERE plan = @plan AND entity = @entity AND finished_at IS NULL", connection, transaction);
                    Identify(forget);
                    await forget.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    using var start = new NpgsqlCommand(
                        $"INSERT INTO {ReconcileRuns.Runs(_schema)} (plan, entity, schema_fingerprint) VALUES (@plan, @entity, @fingerprint) RETURNING run_id", connection, transaction);
                    Identify(start);
                    start.Parameters.AddWithValue("fingerprint", _fingerprint);
                    _runId = (long)(await start.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return [];
                }

                _runId = resume;
                var chunks = await LoadChunksAsync(connection, transaction, resume.Value, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return chunks;
            }
        }
    }

    /// <summary>The run's key ranges: the ones it began with, or (a new run) <paramref name="split"/>'s, kept with the run.</summary>
    public async Task<IReadOnlyList<(long? Low, long? High)>> RangesAsync(Func<Task<IReadOnlyList<(long? Low, long? High)>>> split, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(split);
        var connection = await _target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using (var read = new NpgsqlCommand($"SELECT ranges FROM {ReconcileRuns.Runs(_schema)} WHERE run_id = @run", connection))
            {
                read.Parameters.AddWithValue("run", RunId);
                if (await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string kept)
                {
                    return [.. (JsonSerializer.Deserialize<long?[][]>(kept) ?? []).Select(r => (r[0], r[1]))];
                }
            }

            var ranges = await split().ConfigureAwait(false);
            using var keep = new NpgsqlCommand($"UPDATE {ReconcileRuns.Runs(_schema)} SET ranges = @ranges WHERE run_id = @run", connection);
            keep.Parameters.AddWithValue("run", RunId);
            keep.Parameters.AddWithValue("ranges", JsonSerializer.Serialize(ranges.Select(r => new[] { r.Low, r.High })));
            await keep.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return ranges;
        }
    }

    /// <inheritdoc />
    public async Task RecordChunkAsync(string entity, ChunkResult chunk, CancellationToken cancellationToken)
    {
        CheckEntity(entity);
        ArgumentNullException.ThrowIfNull(chunk);
        var connection = await _target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(
                $"""
                INSERT INTO {ReconcileRuns.Chunks(_schema)} (run_id, range_no, chunk_no, last_key, source_rows, target_rows, source_digest, target_digest, rechecked, final, differences, repairs)
                VALUES (@run, @range, @chunk, @last, @sourceRows, @targetRows, @sourceDigest, @targetDigest, @rechecked, @final, @differences, @repairs)
                ON CONFLICT (run_id, range_no, chunk_no) DO UPDATE SET last_key = EXCLUDED.last_key, source_rows = EXCLUDED.source_rows,
                  target_rows = EXCLUDED.target_rows, source_digest = EXCLUDED.source_digest, target_digest = EXCLUDED.target_digest,
                  rechecked = EXCLUDED.rechecked, final = EXCLUDED.final, differences = EXCLUDED.differences, repairs = EXCLUDED.repairs, finished_at = now()
                """, connection);
            command.Parameters.AddWithValue("run", RunId);
            command.Parameters.AddWithValue("range", chunk.Range);
            command.Parameters.AddWithValue("chunk", chunk.Chunk);
            command.Parameters.AddWithValue("last", (object?)(chunk.LastKey is { } key ? CanonicalEncoding.ToText(key.Values) : null) ?? DBNull.Value);
            command.Parameters.AddWithValue("sourceRows", chunk.SourceRows);
            command.Parameters.AddWithValue("targetRows", chunk.TargetRows);
            command.Parameters.AddWithValue("sourceDigest", chunk.SourceDigest);
            command.Parameters.AddWithValue("targetDigest", chunk.TargetDigest);
            command.Parameters.AddWithValue("rechecked", chunk.Rechecked);
            command.Parameters.AddWithValue("final", chunk.Final);
            command.Parameters.Add(new NpgsqlParameter("differences", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(chunk.Differences.Select(DifferenceRecord.Of), Json) });
            command.Parameters.Add(new NpgsqlParameter("repairs", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(chunk.Repairs.Select(RepairRecord.Of), Json) });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records repairs of the run (made, planned by a dry run, or skipped) in the repairs table, in <paramref name="connection"/>'s transaction if one is open.</summary>
    public async Task RecordRepairsAsync(NpgsqlConnection connection, IEnumerable<RepairAction> repairs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(repairs);
        var batch = new NpgsqlBatch(connection);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var repair in repairs)
            {
                var command = new NpgsqlBatchCommand(
                    $"INSERT INTO {ReconcileRuns.Repairs(_schema)} (run_id, plan, entity, key, key_values, kind, version, applied) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
                foreach (var value in new object[] { RunId, _plan, _entity, repair.Key.ToString(), CanonicalEncoding.ToText(repair.Key.Values), repair.Kind.ToString(), repair.Version, repair.Applied })
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = value });
                }

                batch.BatchCommands.Add(command);
            }

            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>The summary columns are what the gates read; the report itself is kept as its JSON (values redacted) for the dashboard.</remarks>
    public async Task FinishAsync(EntityReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        CheckEntity(report.Entity);
        var connection = await _target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(
                $"""
                UPDATE {ReconcileRuns.Runs(_schema)} SET finished_at = @finished, schema_fingerprint = @fingerprint, clean = @clean,
                  source_rows = @sourceRows, target_rows = @targetRows, chunks = @chunks, missing = @missing, extra = @extra,
                  differing = @differing, lagging = @lagging, rechecked = @rechecked, repaired = @repaired,
                  verified_as = @verifiedAs, verified_ordinal = @verifiedOrdinal, duration_ms = @duration, report = @report::jsonb
                 WHERE run_id = @run
                """, connection);
            command.Parameters.AddWithValue("run", RunId);
            command.Parameters.AddWithValue("finished", report.FinishedAt);
            command.Parameters.AddWithValue("fingerprint", report.SchemaFingerprint);
            command.Parameters.AddWithValue("clean", report.Clean);
            command.Parameters.AddWithValue("sourceRows", report.SourceRows);
            command.Parameters.AddWithValue("targetRows", report.TargetRows);
            command.Parameters.AddWithValue("chunks", report.Chunks);
            command.Parameters.AddWithValue("missing", report.Missing);
            command.Parameters.AddWithValue("extra", report.Extra);
            command.Parameters.AddWithValue("differing", report.Differing);
            command.Parameters.AddWithValue("lagging", report.Lagging);
            command.Parameters.AddWithValue("rechecked", report.Rechecked);
            command.Parameters.AddWithValue("repaired", report.Repaired);
            command.Parameters.AddWithValue("verifiedAs", (object?)report.VerifiedAs?.Display ?? DBNull.Value);
            command.Parameters.AddWithValue("verifiedOrdinal", (object?)report.VerifiedAs?.Ordinal ?? DBNull.Value);
            command.Parameters.AddWithValue("duration", (long)report.Duration.TotalMilliseconds);
            command.Parameters.AddWithValue("report", ReconcileReportJson.Serialize(new ReconcileReport(_plan, [report], report.FinishedAt), showValues: false, indented: false));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<ChunkResult>> LoadChunksAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long run, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            $"""
            SELECT range_no, chunk_no, last_key, source_rows, target_rows, source_digest, target_digest, rechecked, differences::text, repairs::text, final
              FROM {ReconcileRuns.Chunks(_schema)} WHERE run_id = @run ORDER BY range_no, chunk_no
            """, connection, transaction);
        command.Parameters.AddWithValue("run", run);
        var chunks = new List<ChunkResult>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            chunks.Add(new ChunkResult(
                reader.GetInt32(0),
                reader.GetInt32(1),
                reader.IsDBNull(2) ? null : new RowKey(CanonicalEncoding.FromText(reader.GetString(2))),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.GetInt64(7),
                [.. (JsonSerializer.Deserialize<DifferenceRecord[]>(reader.GetString(8), Json) ?? []).Select(d => d.ToDifference())],
                [.. (JsonSerializer.Deserialize<RepairRecord[]>(reader.GetString(9), Json) ?? []).Select(r => r.ToRepair())],
                reader.GetBoolean(10)));
        }

        return chunks;
    }

    private void Identify(NpgsqlCommand command)
    {
        command.Parameters.AddWithValue("plan", _plan);
        command.Parameters.AddWithValue("entity", _entity);
    }

    private void CheckEntity(string entity)
    {
        if (!string.Equals(entity, _entity, StringComparison.Ordinal))
        {
            throw new ArgumentException($"These checkpoints keep the runs of '{_entity}', not of '{entity}'.", nameof(entity));
        }
    }

    /// <summary>A persisted difference: its key (as <see cref="CanonicalEncoding.ToText"/> writes it, and as reports show it), kind, columns and versions.</summary>
    private sealed record DifferenceRecord(string Key, string Display, DifferenceKind Kind, string[] Columns, long? SourceVersion, long? TargetVersion)
    {
        public static DifferenceRecord Of(RowDifference d) =>
            new(CanonicalEncoding.ToText(d.Key.Values), d.Key.ToString(), d.Kind, [.. d.Columns], d.SourceVersion, d.TargetVersion);

        public RowDifference ToDifference() => new(new RowKey(CanonicalEncoding.FromText(Key)), Kind, Columns, SourceVersion, TargetVersion, null, null);
    }

    /// <summary>A persisted repair: its key, kind, version and whether it was applied.</summary>
    private sealed record RepairRecord(string Key, string Display, RepairKind Kind, long Version, bool Applied)
    {
        public static RepairRecord Of(RepairAction r) => new(CanonicalEncoding.ToText(r.Key.Values), r.Key.ToString(), r.Kind, r.Version, r.Applied);

        public RepairAction ToRepair() => new(new RowKey(CanonicalEncoding.FromText(Key)), Kind, Version, Applied);
    }
}
