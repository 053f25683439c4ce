using System.Runtime.CompilerServices;
using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Engine;
using DualWrite.MySql;
using DualWrite.MySql.Replication;
using DualWrite.MySql.Values;
using MySqlConnector;

namespace DualWrite.Migration.Reconcile;

/// <summary>A key range as a plan pair's sides read it: bounds on the first key column (low included, high excluded, null open).</summary>
/// <param name="Low">The low bound, or null.</param>
/// <param name="High">The high bound, or null.</param>
internal sealed record KeyBounds(long? Low, long? High);

/// <summary>A source row as the copy would write it: the values after <see cref="ColumnSpec.Convert"/>, and its version column's value.</summary>
/// <param name="Key">The row's key (canonical).</param>
/// <param name="Values">The written values, in the table's column order.</param>
/// <param name="Version">The version column's value, or null when the table has none.</param>
internal sealed record WrittenRow(RowKey Key, object?[] Values, long? Version);

/// <summary>
/// The MySQL side of a plan pair: the source table read on MySqlConnector in key order (<see cref="KeyColumn"/>), each
/// value read by <see cref="MySqlColumnReader"/>, converted as the copy converts it (<see cref="ColumnSpec.Convert"/>)
/// and put in canonical form (<see cref="CanonicalValues"/>). Plain text columns are selected as their UTF-8 bytes and
/// digested undecoded, as the snapshot copies them: a streamed row is handed over as its key, version and hash
/// (<see cref="RowHasher"/>), the rows of <see cref="ReadKeysAsync"/> with their values.
/// </summary>
internal sealed class SourceRows : IRowSource
{
    private const int KeysPerQuery = 500;

    private readonly TableSpec _table;
    private readonly IReadOnlyList<KeyColumn> _keys;
    private readonly MySqlDataSource _source;
    private readonly Func<object, object>[] _canonical;
    private readonly bool[] _utf8;
    private readonly string _orderBy;

    public SourceRows(TableSpec table, IReadOnlyList<KeyColumn> keys, MySqlDataSource source)
    {
        _table = table;
        _keys = keys;
        _source = source;
        _canonical = [.. table.Columns.Select(c => CanonicalValues.For(c.Type))];
        _utf8 = [.. table.Columns.Select((c, i) => ColumnCopy.SelectsUtf8Bytes(c, table.KeyColumns.Contains(i)))];
        _orderBy = " ORDER BY " + string.Join(", ", keys.Select(k => k.SourceOrder));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ReconcileRow> ReadAsync(ReconcileRange range, RowKey? after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        var bounds = range.Bounds as KeyBounds ?? new KeyBounds(null, null);
        var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // TIMESTAMP values are read in UTC; a reader the engine pauses must not be cut off by the server.
            await SnapshotCopier.ExecuteAsync(connection, "SET SESSION time_zone = '+00:00', SESSION net_write_timeout = 3600", cancellationToken).ConfigureAwait(false);
            var command = new MySqlCommand { Connection = connection, CommandTimeout = 0 };
            await using (command.ConfigureAwait(false))
            {
                var where = new List<string>();
                KeyRanges.AddConditions(MySqlNames.Quote(_keys[0].Column.Source.Name), bounds.Low, bounds.High, command, where);
                if (after is not null)
                {
                    where.Add(KeysetSql.After([.. _keys.Select(k => k.SourceOrder)], [.. _keys.Select((k, i) => k.SourceOrderValue(after.Values[i]!))], command));
                }

                command.CommandText = Select(utf8: true) + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + _orderBy;
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var values = MySqlColumnReader.For(reader);
                    var rows = new StreamedRowDigest<MySqlDataReader>(
                        [.. Enumerable.Range(0, _table.Columns.Count).Select(i => _utf8[i] ? null : Canonical(i, values))],
                        _keys,
                        _table.Version is null ? -1 : _table.Columns.Count,
                        versions: _table.Version is not null,
                        CheckText);
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
        var (at, rows) = await ReadWrittenAsync(keys, cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<RowKey, ReconcileRow>();
        foreach (var row in rows)
        {
            found[row.Key] = new ReconcileRow(row.Key, row.Version, Canonical(row.Values));
        }

        return new KeyRead(found, CatchUpFeed.Position(at), _table.Version is null ? BinlogVersion.Of(at) : null);
    }

    /// <summary>
    /// Reads the current rows of <paramref name="keys"/> in one consistent snapshot, as the copy would write them, and
    /// the binlog position the snapshot holds at.
    /// </summary>
    public async Task<(BinlogPosition At, IReadOnlyList<WrittenRow> Rows)> ReadWrittenAsync(IReadOnlyCollection<RowKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var rows = new List<WrittenRow>();
        var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var at = await SnapshotCopier.BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
            foreach (var batch in keys.Chunk(KeysPerQuery))
            {
                var command = new MySqlCommand { Connection = connection };
                await using (command.ConfigureAwait(false))
                {
                    var matches = new List<string>();
                    for (var n = 0; n < batch.Length; n++)
                    {
                        var terms = new List<string>();
                        for (var j = 0; j < _keys.Count; j++)
                        {
                            var name = $"@p{n}_{j}";
                            terms.Add(MySqlNames.Quote(_keys[j].Column.Source.Name) + " = " + string.Format(System.Globalization.CultureInfo.InvariantCulture, _keys[j].SourceMatch, name));
                            command.Parameters.AddWithValue(name, _keys[j].SourceValue(batch[n].Values[j]!));
                        }

                        matches.Add("(" + string.Join(" AND ", terms) + ")");
                    }

                    command.CommandText = Select(utf8: false) + " WHERE " + string.Join(" OR ", matches);
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        var values = MySqlColumnReader.For(reader);
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            var row = new object?[_table.Columns.Count];
                            for (var i = 0; i < row.Length; i++)
                            {
                                row[i] = _table.Columns[i].Convert(values.GetValue(reader, i));
                            }

                            rows.Add(new WrittenRow(KeyOf(Canonical(row)), row, _table.Version is null ? null : reader.GetInt64(row.Length)));
                        }
                    }
                }
            }

            await SnapshotCopier.ExecuteAsync(connection, "COMMIT", cancellationToken).ConfigureAwait(false);
            return (at, rows);
        }
    }

    /// <summary>The select list and table: every mapped column (plain text as UTF-8 bytes when <paramref name="utf8"/>), then the version column.</summary>
    private string Select(bool utf8) =>
        "SELECT " + string.Join(", ", _table.SelectedColumns.Select((c, i) => i < _utf8.Length && _utf8[i] && utf8 ? ColumnCopy.Utf8SelectExpression(MySqlNames.Quote(c.Name)) : MySqlNames.Quote(c.Name))) +
        " FROM " + _table.SourceName;

    /// <summary>Plain text holding a NUL cannot be copied into PostgreSQL: the copy's conversion names the column.</summary>
    private void CheckText(int column, ReadOnlySpan<byte> utf8)
    {
        if (utf8.Contains((byte)0))
        {
            _table.Columns[column].Convert(System.Text.Encoding.UTF8.GetString(utf8)); // throws the typed error naming the column
        }
    }

    /// <summary>How a streamed column's non-NULL value (not plain text) becomes canonical: the copy's conversion, normalised.</summary>
    private Func<MySqlDataReader, int, object> Canonical(int column, MySqlColumnReader values)
    {
        var spec = _table.Columns[column];
        var read = values.Reader(column);
        var canonical = _canonical[column];
        return (reader, ordinal) => canonical(spec.Convert(read(reader, ordinal))!);
    }

    private object?[] Canonical(object?[] written)
    {
        var values = new object?[written.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = written[i] is { } value ? _canonical[i](value) : null;
        }

        return values;
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
