using DualWrite.Core.Routing;
using MySqlConnector;

namespace DualWrite.MySql.Stores;

/// <content>The log's table.</content>
public sealed partial class MySqlRepairLog<TKey>
{
    /// <summary>
    /// Creates the table if it does not exist; safe to call on every start-up and from several processes at once.
    /// </summary>
    /// <remarks>
    /// <para>Layout: <c>seq</c> (AUTO_INCREMENT primary key: append order, the tiebreak for entries that failed in
    /// the same microsecond), <c>id</c> (the entry's Guid, unique: appends are idempotent), <c>entity</c>,
    /// <c>entry_key</c> (the codec's text, binary collation so matching is exact), <c>target</c> (Old or New),
    /// <c>version</c>, <c>reason</c> (at most 1024 characters), <c>failed_at</c> and <c>completed_at</c>
    /// (DATETIME(6), UTC; NULL while pending).</para>
    /// <para>Indexes: (entity, entry_key, target, completed_at) makes <see cref="HasPendingAsync"/> one index lookup;
    /// (entity, completed_at, failed_at, seq) makes <see cref="ReadPendingAsync"/> read its rows in index order,
    /// oldest first, without sorting.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">A <see cref="MySqlStoreTransaction"/> over this data source is current (DDL would commit it).</exception>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (MySqlStoreTransaction.CurrentFor(DataSource) is not null)
        {
            throw new InvalidOperationException("EnsureSchemaAsync cannot run inside a MySqlStoreTransaction: DDL commits the current transaction implicitly.");
        }

        var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await new SqlBatch().Statement(CreateTableSql()).ExecuteNonQueryAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (MySqlException ex) when (StoreErrors.Translate(ex, DisplayName, "Create the database first.") is { } translated)
            {
                throw translated;
            }
        }
    }

    private string CreateTableSql() => $"""
        CREATE TABLE IF NOT EXISTS {_sqlTable} (
          `seq` BIGINT NOT NULL AUTO_INCREMENT,
          `id` CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
          `entity` VARCHAR({RepairLogText.MaxEntityLength}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
          `entry_key` VARCHAR({RepairLogText.MaxKeyLength}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
          `target` VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
          `version` BIGINT NOT NULL,
          `reason` VARCHAR({RepairLogText.MaxReasonLength}) CHARACTER SET utf8mb4 NOT NULL,
          `failed_at` DATETIME(6) NOT NULL,
          `completed_at` DATETIME(6) NULL,
          PRIMARY KEY (`seq`),
          UNIQUE KEY `dualwrite_repair_id` (`id`),
          KEY `dualwrite_repair_pending_key` (`entity`, `entry_key`, `target`, `completed_at`),
          KEY `dualwrite_repair_pending_age` (`entity`, `completed_at`, `failed_at`, `seq`)
        ) ENGINE=InnoDB
        """;
}
