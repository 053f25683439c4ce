using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using MySqlConnector;

namespace DualWrite.MySql.Stores;

/// <content>An entry as a row: validation, encoding, decoding, and the insert the outbox shares.</content>
public sealed partial class MySqlRepairLog<TKey>
{
    /// <summary>MySQL text holds NUL like any other character: it is kept in entities, keys and reasons.</summary>
    private const bool NulAllowed = true;

    /// <summary>Checks and encodes <paramref name="entry"/> before anything is sent, so a bad entry writes nothing.</summary>
    internal RepairRow Encode(RepairEntry<TKey> entry)
    {
        RepairLogText.CheckEntry(entry, NulAllowed);
        return new RepairRow(
            entry.Id.ToString("D"),
            entry.Entity,
            FormatKey(entry.Key),
            entry.Target.ToString(),
            entry.Version,
            RepairLogText.FitReason(entry.Reason, replaceNul: !NulAllowed),
            entry.FailedAt.UtcDateTime);
    }

    private string FormatKey(TKey key) => RepairLogText.KeyText(key, _formatKey, NulAllowed);

    /// <summary>Appends the plain INSERT of <paramref name="row"/>: a duplicate id fails, and the caller decides what that means.</summary>
    internal SqlBatch AppendInsert(SqlBatch batch, RepairRow row) =>
        batch.Append($"INSERT INTO {_sqlTable} (`id`, `entity`, `entry_key`, `target`, `version`, `reason`, `failed_at`) VALUES (")
            .Values([row.Id, row.Entity, row.Key, row.Target, row.Version, row.Reason, row.FailedAt])
            .Append(")")
            .EndStatement();

    /// <summary>Appends a locking read of the entry with <paramref name="row"/>'s id (a result set of zero or one row).</summary>
    internal SqlBatch AppendContentRead(SqlBatch batch, RepairRow row) =>
        batch.Append($"SELECT `entity`, `entry_key`, `target`, `version` FROM {_sqlTable} WHERE `id` = ").Value(row.Id)
            .Append(" FOR UPDATE")
            .EndStatement();

    /// <summary>Reads the result of <see cref="AppendContentRead"/>: null when no entry has the id, else whether it matches.</summary>
    internal static async Task<bool?> ReadContentMatchAsync(MySqlDataReader reader, RepairRow row, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return reader.GetString(0) == row.Entity
            && reader.GetString(1) == row.Key
            && reader.GetString(2) == row.Target
            && reader.GetInt64(3) == row.Version;
    }

    /// <summary>The error for an id that is already taken by a different entry.</summary>
    internal MySqlStoreException Conflict(RepairRow row, Exception? inner) => new(
        MySqlStoreErrorKind.RepairEntryConflict,
        DisplayName,
        $"Repair log '{DisplayName}' already holds entry {row.Id} for something else than {row.Entity} key '{row.Key}' ({row.Target}, version {row.Version}); nothing was written.",
        inner);

    private async Task EnsureSameContentAsync(MySqlConnection connection, RepairRow row, MySqlException duplicate, CancellationToken cancellationToken)
    {
        var command = AppendContentRead(new SqlBatch(), row).ToCommand(connection);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (await ReadContentMatchAsync(reader, row, cancellationToken).ConfigureAwait(false) is not true)
                {
                    throw Conflict(row, duplicate);
                }
            }
        }
    }

    // GetGuid: MySqlConnector reads a CHAR(36) column as a Guid by default, and as text with GuidFormat=None.
    private RepairEntry<TKey> Decode(MySqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        _parseKey(reader.GetString(2)),
        Enum.Parse<StoreRole>(reader.GetString(3)),
        reader.GetInt64(4),
        reader.GetString(5),
        new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(6), DateTimeKind.Utc)));
}
