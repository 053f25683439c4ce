using System.Globalization;
using System.Runtime.CompilerServices;
using DualWrite.Core.Stores;

using DualWrite.PostgreSql.Tables;

namespace DualWrite.PostgreSql.Stores;

/// <content>
/// Reads. A key's row and tombstone are read by one UNION ALL statement, so both come from the same snapshot. Where
/// both exist (only writers that bypass the store can cause that), the newer version is the record, the tombstone
/// on a tie.
/// </content>
public sealed partial class PostgreSqlVersionedStore<TKey, TValue>
{
    /// <inheritdoc />
    /// <exception cref="PostgreSqlStoreException">The table or its tombstone table is missing, or lacks a mapped column.</exception>
    public async ValueTask<VersionedRecord<TKey, TValue>?> GetAsync(TKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var keyValues = _mapping.KeyValues(key);
        var rows = await RunAsync(
            (connection, sql, ct) =>
            {
                var statement = new PgStatement();
                var where = sql.KeyEquals(statement.BindAll(keyValues, sql.KeyTypes));
                statement.Append($"({sql.SelectRecords(false)} WHERE {where}) UNION ALL ({sql.SelectRecords(true)} WHERE {where}) ORDER BY _ver DESC, _tomb DESC LIMIT 1");
                return ReadRecordsAsync(connection, statement, ct);
            },
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    /// <remarks>
    /// Each batch is one statement on a connection taken for that batch alone (keyset pagination: keys after the last
    /// one returned, in key order). It reads up to <paramref name="batchSize"/> live rows and as many tombstones and
    /// keeps the first <paramref name="batchSize"/> keys of their merge, which both sides have fully covered.
    /// </remarks>
    /// <exception cref="PostgreSqlStoreException">The table or its tombstone table is missing, or lacks a mapped column.</exception>
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
            cancellationToken.ThrowIfCancellationRequested();
            var (from, inclusive) = (lower, lowerInclusive);
            var rows = await RunAsync(
                (connection, sql, ct) => ReadRecordsAsync(connection, ScanStatement(sql, from, inclusive, upper, batchSize), ct),
                cancellationToken).ConfigureAwait(false);
            foreach (var record in rows)
            {
                yield return record;
            }

            // One side alone returning a full batch already gives batchSize distinct keys, so a short batch means both are done.
            if (rows.Count < batchSize)
            {
                yield break;
            }

            lower = _mapping.KeyValues(rows[^1].Key);
            lowerInclusive = false;
        }
    }

    private static PgStatement ScanStatement(TableSql sql, object?[]? lower, bool lowerInclusive, object?[]? upper, int batchSize)
    {
        var statement = new PgStatement();
        var where = sql.KeyRange(statement, lower, lowerInclusive, upper);
        var limit = batchSize.ToString(CultureInfo.InvariantCulture);
        var side = $"WHERE {where} ORDER BY {sql.KeyList} LIMIT {limit}";
        return statement.Append(
            $"SELECT DISTINCT ON ({sql.SourceKeys}) * FROM (({sql.SelectRecords(false)} {side}) UNION ALL ({sql.SelectRecords(true)} {side})) AS r " +
            $"ORDER BY {sql.SourceKeys}, _ver DESC, _tomb DESC LIMIT {limit}");
    }

    /// <summary>Runs a record select (key columns, version, tombstone flag, value columns) and reads every row.</summary>
    private async Task<List<VersionedRecord<TKey, TValue>>> ReadRecordsAsync(NpgsqlConnection connection, PgStatement statement, CancellationToken cancellationToken)
    {
        var command = statement.ToCommand(connection);
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
}
