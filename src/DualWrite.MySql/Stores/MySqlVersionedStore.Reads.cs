using System.Runtime.CompilerServices;
using DualWrite.Core.Stores;

namespace DualWrite.MySql.Stores;

/// <content>
/// Reads. A key's row and tombstone are read by one UNION ALL statement, so both come from the same snapshot: a write
/// that moves a key between the tables in one transaction is seen wholly or not at all. Where both exist (only writers
/// that bypass the store can cause that), the newer version is the record, the tombstone on a tie.
/// </content>
public sealed partial class MySqlVersionedStore<TKey, TValue>
{
    /// <inheritdoc />
    public async ValueTask<VersionedRecord<TKey, TValue>?> GetAsync(TKey key, CancellationToken cancellationToken)
    {
        var keyValues = _mapping.KeyValues(key);
        var batch = new SqlBatch();
        AppendRecordSelect(batch, _sql.Live, tombstone: false, where: b => _sql.KeyEquals(b, keyValues), limit: null);
        batch.Append(" UNION ALL ");
        AppendRecordSelect(batch, _sql.Tombstones, tombstone: true, where: b => _sql.KeyEquals(b, keyValues), limit: null);
        var rows = await ReadRecordsAsync(batch, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : Newer(rows[0], rows.Count > 1 ? rows[1] : null);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Each batch is one statement (keyset pagination: key &gt; the last key returned, in key order) on a connection
    /// taken for that batch alone, reading up to <paramref name="batchSize"/> live rows and as many tombstones; the
    /// first <paramref name="batchSize"/> keys of the merge are returned, which both sides have fully covered.
    /// </remarks>
    public IAsyncEnumerable<VersionedRecord<TKey, TValue>> ScanAsync(KeyRange<TKey> range, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return ScanCoreAsync(range, batchSize, cancellationToken);
    }

    private async IAsyncEnumerable<VersionedRecord<TKey, TValue>> ScanCoreAsync(KeyRange<TKey> range, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lower = range.HasLower ? _mapping.KeyValues(range.Lower!) : null;
        var upper = range.HasUpper ? _mapping.KeyValues(range.Upper!) : null;
        var lowerInclusive = true;
        while (true)
        {
            var batch = new SqlBatch();
            void Where(SqlBatch b) => _sql.KeyRange(b, lower, lowerInclusive, upper);
            batch.Append("(");
            AppendRecordSelect(batch, _sql.Live, tombstone: false, Where, batchSize);
            batch.Append(") UNION ALL (");
            AppendRecordSelect(batch, _sql.Tombstones, tombstone: true, Where, batchSize);
            batch.Append(") ORDER BY ").Append(_sql.KeyOrder).Append(", ").Append((_sql.Keys.Length + 2).ToString(System.Globalization.CultureInfo.InvariantCulture));

            var rows = await ReadRecordsAsync(batch, cancellationToken).ConfigureAwait(false);
            var liveRows = rows.Count(r => !r.IsTombstone);
            var complete = liveRows < batchSize && rows.Count - liveRows < batchSize;
            var merged = Merge(rows, complete ? int.MaxValue : batchSize);
            foreach (var record in merged)
            {
                yield return record;
            }

            if (complete || merged.Count == 0)
            {
                yield break;
            }

            lower = _mapping.KeyValues(merged[^1].Key);
            lowerInclusive = false;
        }
    }

    /// <summary>Collapses a key's row and tombstone into one record and keeps the first <paramref name="max"/> keys.</summary>
    private List<VersionedRecord<TKey, TValue>> Merge(List<VersionedRecord<TKey, TValue>> rows, int max)
    {
        var merged = new List<VersionedRecord<TKey, TValue>>();
        for (var i = 0; i < rows.Count && merged.Count < max; i++)
        {
            var record = rows[i];
            if (i + 1 < rows.Count && KeyComparer.Compare(record.Key, rows[i + 1].Key) == 0)
            {
                record = Newer(record, rows[++i]);
            }

            merged.Add(record);
        }

        return merged;
    }

    private static VersionedRecord<TKey, TValue> Newer(VersionedRecord<TKey, TValue> first, VersionedRecord<TKey, TValue>? second)
    {
        if (second is null || first.Version > second.Version)
        {
            return first;
        }

        if (second.Version > first.Version)
        {
            return second;
        }

        return first.IsTombstone ? first : second;
    }

    /// <summary>
    /// <c>SELECT keys, version, is_tombstone, values FROM table WHERE … [ORDER BY keys LIMIT n]</c>; a tombstone's
    /// values are NULL so both sides of a UNION have the same columns.
    /// </summary>
    private void AppendRecordSelect(SqlBatch batch, string table, bool tombstone, Action<SqlBatch> where, int? limit)
    {
        batch.Append("SELECT ").Append(_sql.KeyList).Append(", ").Append(_sql.Version).Append(tombstone ? ", 1" : ", 0");
        foreach (var column in _sql.ValueColumns)
        {
            batch.Append(", ").Append(tombstone ? "NULL" : column);
        }

        batch.Append(" FROM ").Append(table).Append(" WHERE ");
        where(batch);
        if (limit is { } rows)
        {
            batch.Append(" ORDER BY ").Append(_sql.KeyOrder).Append(" LIMIT ").Value(rows);
        }
    }

    /// <summary>Runs a record select on the current transaction's connection or a pooled one, and reads every row.</summary>
    private async Task<List<VersionedRecord<TKey, TValue>>> ReadRecordsAsync(SqlBatch batch, CancellationToken cancellationToken)
    {
        var lease = await StoreConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            try
            {
                var command = batch.ToCommand(lease.Connection);
                await using (command.ConfigureAwait(false))
                {
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        var rows = new List<VersionedRecord<TKey, TValue>>();
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            rows.Add(_mapping.ReadRecord(reader));
                        }

                        return rows;
                    }
                }
            }
            catch (Exception ex)
            {
                throw lease.Fail(ex, DisplayName, SetupHint);
            }
        }
    }
}
