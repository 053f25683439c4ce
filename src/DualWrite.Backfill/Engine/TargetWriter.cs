using Npgsql;
using NpgsqlTypes;

namespace DualWrite.Backfill.Engine;

/// <summary>
/// Writes rows of one table into PostgreSQL on a connection the caller owns and inside the caller's transaction:
/// by binary COPY straight into the table (snapshot chunks, whose key range the target does not hold yet), or by
/// binary COPY into a staging table and a version-guarded merge (catch-up batches, and tables with columns that
/// travel as text).
/// </summary>
internal sealed class TargetWriter
{
    private readonly TableSpec _table;
    private readonly string _stage;
    private readonly string _columnList;
    private readonly string _mergeSql;
    private readonly string _insertFromStageSql;
    private bool _stageCreated;

    public TargetWriter(TableSpec table, int index)
    {
        _table = table;
        _stage = Sql.Pg($"dw_stage_{index}");
        _columnList = string.Join(", ", table.Columns.Select(c => Sql.Pg(c.Target)).Append(Sql.Pg(TargetSchema.VersionColumn)));
        var casts = string.Join(", ", table.Columns.Select(c => c.Type.StagedAsText ? $"s.{Sql.Pg(c.Target)}::{c.Type.Sql}" : $"s.{Sql.Pg(c.Target)}"));
        var v = Sql.Pg(TargetSchema.VersionColumn);
        var deleted = Sql.Pg(TargetSchema.DeletedColumn);
        var keyList = string.Join(", ", table.Keys.Select(k => Sql.Pg(k.Target)));
        string KeyMatch(string left, string right) => string.Join(" AND ", table.Keys.Select(k => $"{left}.{Sql.Pg(k.Target)} = {right}.{Sql.Pg(k.Target)}"));
        var updates = string.Join(", ", table.Columns.Where((_, i) => !table.KeyColumns.Contains(i)).Select(c => $"{Sql.Pg(c.Target)} = EXCLUDED.{Sql.Pg(c.Target)}").Append($"{v} = EXCLUDED.{v}"));
        _insertFromStageSql = $"INSERT INTO {table.TargetName} ({_columnList}) SELECT {casts}, s.{v} FROM {_stage} s";

        // Every statement compares versions, so a change the target already holds (or holds newer) is ignored, a
        // late upsert never resurrects a newer delete, and a replayed batch changes nothing.
        _mergeSql = $"""
            INSERT INTO {table.TargetName} AS t ({_columnList})
            SELECT {casts}, s.{v} FROM {_stage} s
             WHERE NOT s.{deleted} AND NOT EXISTS (SELECT 1 FROM {table.TombstoneName} b WHERE {KeyMatch("b", "s")} AND b.{v} >= s.{v})
            ON CONFLICT ({keyList}) DO UPDATE SET {updates} WHERE t.{v} < EXCLUDED.{v};
            DELETE FROM {table.TombstoneName} b USING {_stage} s WHERE NOT s.{deleted} AND {KeyMatch("b", "s")} AND b.{v} < s.{v};
            INSERT INTO {table.TombstoneName} AS b ({keyList}, {v})
            SELECT {string.Join(", ", table.Keys.Select(k => $"s.{Sql.Pg(k.Target)}" + (k.Type.StagedAsText ? $"::{k.Type.Sql}" : "")))}, s.{v} FROM {_stage} s
             WHERE s.{deleted} AND NOT EXISTS (SELECT 1 FROM {table.TargetName} t WHERE {KeyMatch("t", "s")} AND t.{v} >= s.{v})
            ON CONFLICT ({keyList}) DO UPDATE SET {v} = EXCLUDED.{v} WHERE b.{v} < EXCLUDED.{v};
            DELETE FROM {table.TargetName} t USING {_stage} s WHERE s.{deleted} AND {KeyMatch("t", "s")} AND t.{v} < s.{v};
            """;
    }

    /// <summary>
    /// Starts a chunk for a key range the target does not hold yet (no version guard is needed there): a binary COPY
    /// straight into the table, or into the staging table when some column travels as text. Write each row's mapped
    /// columns, then its version, and end with <see cref="EndChunkAsync"/>.
    /// </summary>
    public async Task<NpgsqlBinaryImporter> BeginChunkAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (_table.DirectCopy)
        {
            return await connection.BeginBinaryImportAsync($"COPY {_table.TargetName} ({_columnList}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        }

        await EnsureStageAsync(connection, cancellationToken).ConfigureAwait(false);
        return await connection.BeginBinaryImportAsync($"COPY {_stage} ({_columnList}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes the chunk's COPY (and moves staged rows into the table, casting the text columns).</summary>
    public async Task EndChunkAsync(NpgsqlConnection connection, NpgsqlBinaryImporter importer, CancellationToken cancellationToken)
    {
        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        await importer.DisposeAsync().ConfigureAwait(false);
        if (!_table.DirectCopy)
        {
            await TargetSchema.ExecuteAsync(connection, _insertFromStageSql, cancellationToken).ConfigureAwait(false);
            await TargetSchema.ExecuteAsync(connection, $"TRUNCATE {_stage}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Applies rows (at most one per key) under the version guard.</summary>
    public async Task<long> MergeAsync(NpgsqlConnection connection, IReadOnlyList<TargetRow> rows, CancellationToken cancellationToken)
    {
        await StageAsync(connection, rows, cancellationToken).ConfigureAwait(false);
        using var command = new NpgsqlCommand(_mergeSql, connection);
        var affected = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await TargetSchema.ExecuteAsync(connection, $"TRUNCATE {_stage}", cancellationToken).ConfigureAwait(false);
        return affected;
    }

    private async Task StageAsync(NpgsqlConnection connection, IReadOnlyList<TargetRow> rows, CancellationToken cancellationToken)
    {
        await EnsureStageAsync(connection, cancellationToken).ConfigureAwait(false);
        await WriteCopyAsync(connection, $"COPY {_stage} ({_columnList}, {Sql.Pg(TargetSchema.DeletedColumn)}) FROM STDIN (FORMAT BINARY)", rows, cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task EnsureStageAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (!_stageCreated)
        {
            var columns = _table.Columns.Select(c => $"{Sql.Pg(c.Target)} {(c.Type.StagedAsText ? "text" : c.Type.Sql)}");
            await TargetSchema.ExecuteAsync(connection,
                $"CREATE TEMP TABLE IF NOT EXISTS {_stage} ({string.Join(", ", columns)}, {Sql.Pg(TargetSchema.VersionColumn)} bigint NOT NULL, {Sql.Pg(TargetSchema.DeletedColumn)} boolean NOT NULL DEFAULT false)",
                cancellationToken).ConfigureAwait(false);
            _stageCreated = true;
        }
    }

    private async Task WriteCopyAsync(NpgsqlConnection connection, string copy, IReadOnlyList<TargetRow> rows, CancellationToken cancellationToken)
    {
        var columns = _table.Columns;
        var importer = await connection.BeginBinaryImportAsync(copy, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var row in rows)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < columns.Count; i++)
                {
                    var value = row.Values[i];
                    if (value is null)
                    {
                        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await importer.WriteAsync(value, columns[i].Type.DbType, cancellationToken).ConfigureAwait(false);
                    }
                }

                await importer.WriteAsync(row.Version, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Deleted, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
