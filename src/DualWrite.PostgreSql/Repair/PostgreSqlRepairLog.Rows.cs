using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.PostgreSql.Tables;

namespace DualWrite.PostgreSql.Stores;

/// <content>An entry as a row: validation, encoding, decoding, and the insert the outbox shares.</content>
public sealed partial class PostgreSqlRepairLog<TKey>
{
    /// <summary>PostgreSQL text cannot hold NUL: it is refused in entities and keys, and replaced in reasons.</summary>
    private const bool NulAllowed = false;

    /// <summary>Checks and encodes <paramref name="entry"/> before anything is sent, so a bad entry writes nothing.</summary>
    /// <exception cref="ArgumentException">The entity or the key's text is too long or holds a NUL, or the target is not a store role.</exception>
    internal RepairRow Encode(RepairEntry<TKey> entry)
    {
        RepairLogText.CheckEntry(entry, NulAllowed);
        return new RepairRow(
            entry.Id, entry.Entity, FormatKey(entry.Key), entry.Target.ToString(), entry.Version, RepairLogText.FitReason(entry.Reason, replaceNul: !NulAllowed), entry.FailedAt.UtcDateTime);
    }

    /// <summary>
    /// Inserts <paramref name="row"/> on <paramref name="connection"/> (inside its open transaction, if any): nothing
    /// happens when the id is already there with the same content, and a <see cref="PostgreSqlStoreException"/> is thrown
    /// when it is there with other content. Insert and check are one round trip, and the insert never fails on the id,
    /// so a transaction around it stays usable.
    /// </summary>
    internal async Task InsertAsync(NpgsqlConnection connection, RepairRow row, CancellationToken cancellationToken)
    {
        var insert = new PgStatement();
        insert.Append(
            $"INSERT INTO {_sqlTable} (id, entity, entry_key, target, version, reason, failed_at) VALUES (" +
            $"{insert.Bind(row.Id, "uuid")}, {insert.Bind(row.Entity, "text")}, {insert.Bind(row.Key, "text")}, {insert.Bind(row.Target, "text")}, " +
            $"{insert.Bind(row.Version, "bigint")}, {insert.Bind(row.Reason, "text")}, {insert.Bind(row.FailedAt, "timestamptz")}) ON CONFLICT (id) DO NOTHING");

        // A statement of its own, so under READ COMMITTED it sees an entry another writer committed while the insert waited.
        var read = new PgStatement();
        read.Append($"SELECT entity, entry_key, target, version FROM {_sqlTable} WHERE id = {read.Bind(row.Id, "uuid")}");
        var batch = new NpgsqlBatch(connection) { BatchCommands = { insert.ToBatchCommand(), read.ToBatchCommand() } };
        await using (batch.ConfigureAwait(false))
        {
            try
            {
                var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var same = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                        && reader.GetString(0) == row.Entity
                        && reader.GetString(1) == row.Key
                        && reader.GetString(2) == row.Target
                        && reader.GetInt64(3) == row.Version;
                    if (!same)
                    {
                        throw Conflict(row);
                    }
                }
            }
            catch (PostgresException ex) when (Translate(ex) is { } translated)
            {
                throw translated;
            }
        }
    }

    private string FormatKey(TKey key) => RepairLogText.KeyText(key, _formatKey, NulAllowed);

    /// <summary>Rejects an entity the table cannot hold (a lookup by it could match nothing anyway).</summary>
    private static void CheckEntity(string? entity) => RepairLogText.CheckText(entity, "entity", int.MaxValue, nameof(entity), NulAllowed);

    /// <summary>The error for an id that is already taken by a different entry.</summary>
    private PostgreSqlStoreException Conflict(RepairRow row) => new(
        PostgreSqlStoreErrorKind.RepairEntryConflict,
        DisplayName,
        $"Repair log '{DisplayName}' already holds entry {row.Id} for something else than {row.Entity} key '{row.Key}' ({row.Target}, version {row.Version}); nothing was written.");

    private RepairEntry<TKey> Decode(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        _parseKey(reader.GetString(2)),
        Enum.Parse<StoreRole>(reader.GetString(3)),
        reader.GetInt64(4),
        reader.GetString(5),
        reader.GetFieldValue<DateTimeOffset>(6));
}
