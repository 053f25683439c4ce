using DualWrite.PostgreSql.Tables;

namespace DualWrite.PostgreSql.Stores;

/// <content>Schema: the set-up that adds what the store needs, through the versioned table.</content>
public sealed partial class PostgreSqlVersionedStore<TKey, TValue>
{
    /// <summary>
    /// Checks the table against the mapping and adds what the store needs, leaving whatever is already in place: the
    /// version column (<c>bigint NOT NULL DEFAULT 0</c>; rows already there start at version 0) and the tombstone
    /// table (<see cref="VersionedTable.EnsureAsync"/>). Safe on every start-up and from several processes.
    /// </summary>
    /// <exception cref="PostgreSqlStoreException">The table is missing, or does not fit the mapping (missing columns, no unique index on exactly the key columns, a version column that is not <c>bigint</c>).</exception>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await _mapping.Versioned.EnsureAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Creates the table if it does not exist — the mapped columns with the given types, the version column, a primary
    /// key on the key columns — and its tombstone table. For tables the store owns outright (a new store's tables,
    /// tests); an application's existing table needs only <see cref="EnsureSchemaAsync"/>.
    /// </summary>
    /// <param name="columnTypes">The PostgreSQL type of every mapped column (<c>bigint</c>, <c>text COLLATE "C"</c>). Written into the statement as given: never pass untrusted text.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <exception cref="ArgumentException">A mapped column has no type, or a type is given for a column the mapping does not have.</exception>
    public async Task CreateTableAsync(IReadOnlyDictionary<string, string> columnTypes, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await _mapping.Versioned.CreateAsync(connection, columnTypes, cancellationToken).ConfigureAwait(false);
        }
    }
}
