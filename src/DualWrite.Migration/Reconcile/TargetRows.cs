using System.Globalization;
using System.Runtime.CompilerServices;
using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Engine;
using DualWrite.PostgreSql;
using DualWrite.PostgreSql.Tables;
using Npgsql;
using NpgsqlTypes;

namespace DualWrite.Migration.Reconcile;

/// <summary>
/// The PostgreSQL side of a plan pair: the target table's live rows (tombstones live in their own table and are no
/// rows) in the pair's key order, <c>_dw_version</c> as each row's version, every value read as Npgsql reads the column
/// and put in the same canonical form as the source's (<see cref="CanonicalValues"/>). A streamed row is handed over as
/// its key, version and hash (<see cref="RowHasher"/>, text digested as its UTF-8 bytes), the rows of
/// <see cref="ReadKeysAsync"/> with their values.
/// </summary>
internal sealed class TargetRows : IRowSource
{
    private const int KeysPerQuery = 1000;

    private readonly TableSpec _table;
    private readonly IReadOnlyList<KeyColumn> _keys;
    private readonly NpgsqlDataSource _target;
    private readonly Func<object, object>[] _canonical;
    private readonly string _select;

    public TargetRows(TableSpec table, IReadOnlyList<KeyColumn> keys, NpgsqlDataSource target)
    {
        _table = table;
        _keys = keys;
        _target = target;
        _canonical = [.. table.Columns.Select(c => CanonicalValues.For(c.Type))];
        _select = "SELECT " + string.Join(", ", table.Columns.Select(c => "t." + PgNames.Quote(c.Target) + (c.Type.StagedAsText ? "::text" : "")))
            + ", t." + PgNames.Quote(VersionedTable.DefaultVersionColumn) + " FROM " + table.TargetName + " AS t";
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ReconcileRow> ReadAsync(ReconcileRange range, RowKey? after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        var bounds = range.Bounds as KeyBounds ?? new KeyBounds(null, null);
        var connection = await _target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand { Connection = connection, CommandTimeout = 0 };
            await using (command.ConfigureAwait(false))
            {
                var where = new List<string>();
                var first = "t." + PgNames.Quote(_keys[0].Column.Target);
                if (bounds.Low is { } low)
                {
                    where.Add($"{first} >= {Bind(command, low, NpgsqlDbType.Bigint)}");
                }

                if (bounds.High is { } high)
                {
                    where.Add($"{first} < {Bind(command, high, NpgsqlDbType.Bigint)}");
                }

                if (after is not null)
                {
                    var bound = _keys.Select((k, i) => Bind(command, k.TargetValue(after.Values[i]!), k.TargetParameterType) + (k.Column.Type.StagedAsText ? "::numeric" : ""));
                    where.Add($"({string.Join(", ", _keys.Select(k => "t." + k.TargetOrder))}) > ({string.Join(", ", bound)})");
                }

                command.CommandText = _select + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
                    " ORDER BY " + string.Join(", ", _keys.Select(k => "t." + k.TargetOrder));
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var rows = new StreamedRowDigest<NpgsqlDataReader>(
                        [.. Enumerable.Range(0, _table.Columns.Count).Select(i => Streamed(i) ? null : Reader(i))],
                        _keys,
                        _table.Columns.Count,
                        versions: _table.Version is not null,
                        check: null);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        yield return rows.Digest(reader);
                    }
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task<KeyRead> ReadKeysAsync(IReadOnlyCollection<RowKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<RowKey, ReconcileRow>();
        var connection = await _target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            foreach (var batch in keys.Chunk(KeysPerQuery))
            {
                // The keys as one array per key column, joined back to the table (one index lookup per key).
                var command = new NpgsqlCommand { Connection = connection };
                await using (command.ConfigureAwait(false))
                {
                    var arrays = _keys.Select((k, j) => Bind(command, batch.Select(key => k.TargetValue(key.Values[j]!)).ToArray(), NpgsqlDbType.Array | k.TargetParameterType)).ToList();
                    var columns = string.Join(", ", _keys.Select((_, j) => "k" + j.ToString(CultureInfo.InvariantCulture)));
                    var join = string.Join(" AND ", _keys.Select((k, j) => $"t.{PgNames.Quote(k.Column.Target)} = u.k{j.ToString(CultureInfo.InvariantCulture)}{(k.Column.Type.StagedAsText ? "::numeric" : "")}"));
                    command.CommandText = $"{_select} JOIN unnest({string.Join(", ", arrays)}) AS u({columns}) ON {join}";
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        var read = Enumerable.Range(0, _table.Columns.Count).Select(Reader).ToArray();
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            var row = new object?[read.Length];
                            for (var i = 0; i < row.Length; i++)
                            {
                                row[i] = reader.IsDBNull(i) ? null : read[i](reader, i);
                            }

                            var key = KeyOf(row);
                            found[key] = new ReconcileRow(key, reader.GetInt64(read.Length), row);
                        }
                    }
                }
            }

            // A key without a row may have been deleted since the other side was read: its tombstone says when.
            var absent = keys.Where(k => !found.ContainsKey(k)).ToList();
            var deleted = absent.Count == 0 ? new Dictionary<RowKey, long>() : await VersionsAsync(connection, absent, live: false, cancellationToken).ConfigureAwait(false);
            return new KeyRead(found, Deleted: deleted);
        }
    }

    /// <summary>The target's stored version of each key, its row's or its tombstone's, whichever is newer (keys it never saw are left out).</summary>
    public Task<Dictionary<RowKey, long>> StoredVersionsAsync(NpgsqlConnection connection, IReadOnlyCollection<RowKey> keys, CancellationToken cancellationToken) =>
        VersionsAsync(connection, keys, live: true, cancellationToken);

    /// <summary>Each key's tombstone version, and its row's when <paramref name="live"/> (the greater of the two).</summary>
    private async Task<Dictionary<RowKey, long>> VersionsAsync(NpgsqlConnection connection, IReadOnlyCollection<RowKey> keys, bool live, CancellationToken cancellationToken)
    {
        var versions = new Dictionary<RowKey, long>();
        foreach (var batch in keys.Chunk(KeysPerQuery))
        {
            var command = new NpgsqlCommand { Connection = connection };
            await using (command.ConfigureAwait(false))
            {
                var arrays = _keys.Select((k, j) => Bind(command, batch.Select(key => k.TargetValue(key.Values[j]!)).ToArray(), NpgsqlDbType.Array | k.TargetParameterType)).ToList();
                var names = _keys.Select(k => PgNames.Quote(k.Column.Target)).ToList();
                var columns = string.Join(", ", names);
                var version = PgNames.Quote(VersionedTable.DefaultVersionColumn);
                var join = string.Join(" AND ", _keys.Select((k, j) => $"x.{names[j]} = u.{names[j]}"));
                var unnest = $"unnest({string.Join(", ", arrays)}) AS u({columns})";
                var tombstones = PgNames.Qualify(_table.TargetSchema, _table.Target.TombstoneTable);
                var tombstone = $"(SELECT x.{version} FROM {tombstones} AS x WHERE {join})";
                command.CommandText = $"""
                    SELECT {string.Join(", ", names.Select(n => "u." + n))},
                           {(live ? $"GREATEST((SELECT x.{version} FROM {_table.TargetName} AS x WHERE {join}), {tombstone})" : tombstone)}
                      FROM {unnest}
                    """;
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var n = 0;
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        // unnest keeps the arrays' order: row n is key n.
                        if (!reader.IsDBNull(_keys.Count))
                        {
                            versions[batch[n]] = reader.GetInt64(_keys.Count);
                        }

                        n++;
                    }
                }
            }
        }

        return versions;
    }

    private static string Bind(NpgsqlCommand command, object value, NpgsqlDbType type)
    {
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value });
        return "$" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Whether a streamed row digests the column as its UTF-8 bytes: plain text that is not a key column (keys are read as strings).</summary>
    private bool Streamed(int column) =>
        _table.Columns[column].Type is { StagedAsText: false, DbType: NpgsqlDbType.Varchar or NpgsqlDbType.Text } && !_table.KeyColumns.Contains(column);

    /// <summary>How a column's non-NULL value is read: intervals as intervals, the rest as Npgsql reads it; then normalised.</summary>
    private Func<NpgsqlDataReader, int, object> Reader(int column)
    {
        var spec = _table.Columns[column];
        var canonical = _canonical[column];
        return spec.Type switch
        {
            { StagedAsText: true } or { DbType: NpgsqlDbType.Jsonb } => (r, i) => canonical(r.GetString(i)),
            { DbType: NpgsqlDbType.Varchar or NpgsqlDbType.Text } => (r, i) => r.GetString(i),
            // An interval with months cannot be read as a TimeSpan: read as it is stored, so a stray value shows as a difference.
            { DbType: NpgsqlDbType.Interval } => (r, i) => canonical(r.GetFieldValue<NpgsqlInterval>(i)),
            _ => (r, i) => canonical(r.GetValue(i)),
        };
    }

    private RowKey KeyOf(object?[] canonical)
    {
        var key = new object?[_keys.Count];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = canonical[_keys[i].Index];
        }

        return new RowKey(key);
    }
}
