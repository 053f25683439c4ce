using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.PostgreSql.Tables;

namespace DualWrite.PostgreSql.Stores;

/// <content>An entry as a row: validation, encoding, decoding, and the insert the outbox shares.</content>
public sealed partial class PostgreSqlRepairLog<TKey>
{
    internal const int MaxEntityLength = 128;
    internal const int MaxKeyLength = 512;
    internal const int MaxReasonLength = 1024;

    /// <summary>Checks and encodes <paramref name="entry"/> before anything is sent, so a bad entry writes nothing.</summary>
    /// <exception cref="ArgumentException">The entity or the key's text is too long or holds a NUL, or the target is not a store role.</exception>
    internal RepairRow Encode(RepairEntry<TKey> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        CheckText(entry.Entity, "entity", MaxEntityLength, nameof(entry));
        if (!Enum.IsDefined(entry.Target))
        {
            throw new ArgumentException($"Repair entry target {entry.Target} is not a store role.", nameof(entry));
        }

        return new RepairRow(entry.Id, entry.Entity, FormatKey(entry.Key), entry.Target.ToString(), entry.Version, FitReason(entry.Reason), entry.FailedAt.UtcDateTime);
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

    /// <summary>
    /// Cuts a reason to the column's length without splitting a surrogate pair, and replaces lone surrogates and NUL
    /// (which PostgreSQL text cannot hold) with U+FFFD: the reason usually quotes an exception message, and a failure to
    /// store it must not hide the failure it describes.
    /// </summary>
    internal static string FitReason(string? reason)
    {
        if (string.IsNullOrEmpty(reason))
        {
            return "";
        }

        var length = Math.Min(reason.Length, MaxReasonLength);
        if (length < reason.Length && char.IsHighSurrogate(reason[length - 1]) && char.IsLowSurrogate(reason[length]))
        {
            length--;
        }

        return string.Create(length, reason, static (text, source) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = source[i];
                var paired = char.IsHighSurrogate(c)
                    ? i + 1 < text.Length && char.IsLowSurrogate(source[i + 1])
                    : char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(source[i - 1]);
                text[i] = c == '\0' || (char.IsSurrogate(c) && !paired) ? '\uFFFD' : c;
            }
        });
    }

    private string FormatKey(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var text = _formatKey(key) ?? throw new ArgumentException($"The repair log's key codec returned null for key '{key}'.", nameof(key));
        CheckText(text, $"key '{key}' as text", MaxKeyLength, nameof(key));
        return text;
    }

    /// <summary>Rejects text the column cannot hold as it is: longer than <paramref name="max"/> characters, or with a NUL.</summary>
    private static void CheckText(string? text, string what, int max, string parameter)
    {
        ArgumentNullException.ThrowIfNull(text, parameter);
        if (text.Length > max)
        {
            throw new ArgumentException($"The repair entry's {what} is {text.Length} characters long; the repair log holds at most {max}.", parameter);
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The repair entry's {what} holds a NUL character, which PostgreSQL text cannot store.", parameter);
        }
    }

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
