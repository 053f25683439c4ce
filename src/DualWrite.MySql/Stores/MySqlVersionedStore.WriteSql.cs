namespace DualWrite.MySql.Stores;

/// <content>The statements that carry out a decided write.</content>
public sealed partial class MySqlVersionedStore<TKey, TValue>
{
    private const string Savepoint = "dualwrite_guard";

    /// <summary>
    /// The write batch for the decided groups, or null when nothing is to be written. It starts with a savepoint so
    /// that a failure or a lost race undoes exactly this attempt (also inside a caller's transaction), inserts the
    /// intent first (so a duplicate id fails before any row changes), flags the session for the triggers around the
    /// store's own statements only, and ends with the conflict checks for keys that were absent.
    /// </summary>
    /// <param name="groups">The keys, decided.</param>
    /// <param name="intent">The intent to insert with the write, if any.</param>
    /// <param name="hasChecks">Whether the batch ends with conflict checks whose rows must be read before committing.</param>
    private SqlBatch? BuildWrite(KeyGroups<TKey, TValue> groups, RepairRow? intent, out bool hasChecks)
    {
        var deleteLive = new List<object?[]>();
        var updateLive = new List<KeyWrites<TKey, TValue>>();
        var insertLive = new List<KeyWrites<TKey, TValue>>();
        var deleteTombstones = new List<object?[]>();
        var raiseTombstones = new List<KeyWrites<TKey, TValue>>();
        var insertTombstones = new List<KeyWrites<TKey, TValue>>();
        var checkTombstones = new List<object?[]>();
        var checkLive = new List<object?[]>();
        foreach (var group in groups.Groups)
        {
            if (group.Final is not { } final)
            {
                continue;
            }

            if (final.IsTombstone)
            {
                AddIf(group.Live is not null, deleteLive, group.KeyValues);
                (group.Tombstone is null ? insertTombstones : raiseTombstones).Add(group);
                AddIf(group.WasAbsent, checkLive, group.KeyValues);
            }
            else
            {
                (group.Live is null ? insertLive : updateLive).Add(group);
                AddIf(group.Tombstone is not null, deleteTombstones, group.KeyValues);
                AddIf(group.WasAbsent, checkTombstones, group.KeyValues);
            }
        }

        hasChecks = checkLive.Count + checkTombstones.Count > 0;
        var storeWrites = deleteLive.Count + updateLive.Count + insertLive.Count + deleteTombstones.Count + raiseTombstones.Count + insertTombstones.Count;
        if (storeWrites == 0 && intent is null)
        {
            return null;
        }

        var batch = new SqlBatch().Statement("SAVEPOINT " + Savepoint);
        if (intent is not null)
        {
            _repairLog.AppendInsert(batch, intent);
        }

        if (storeWrites > 0)
        {
            // Live table first, then tombstones, in every write: one lock order for all of the store's writers.
            batch.Statement(WriterFlag.Set);
            if (deleteLive.Count > 0)
            {
                _sql.KeysIn(batch.Append("DELETE FROM ").Append(_sql.Live).Append(" WHERE "), deleteLive).EndStatement();
            }

            foreach (var group in updateLive)
            {
                AppendUpdate(batch, group);
            }

            AppendInsert(batch, _sql.Live, insertLive, withValues: true, onDuplicate: null);
            if (deleteTombstones.Count > 0)
            {
                _sql.KeysIn(batch.Append("DELETE FROM ").Append(_sql.Tombstones).Append(" WHERE "), deleteTombstones).EndStatement();
            }

            // Tombstones the guard found are locked, so raising them in place is safe; a new one is a plain INSERT,
            // which fails (rather than merging) if a concurrent writer created it first.
            AppendInsert(batch, _sql.Tombstones, raiseTombstones, withValues: false, onDuplicate: $"{_sql.Version} = VALUES({_sql.Version})");
            AppendInsert(batch, _sql.Tombstones, insertTombstones, withValues: false, onDuplicate: null);
            batch.Statement(WriterFlag.Clear);
        }

        if (checkTombstones.Count > 0)
        {
            _sql.SelectVersions(batch, _sql.Tombstones, checkTombstones);
        }

        if (checkLive.Count > 0)
        {
            _sql.SelectVersions(batch, _sql.Live, checkLive);
        }

        return batch;
    }

    private static void AddIf(bool condition, List<object?[]> list, object?[] keyValues)
    {
        if (condition)
        {
            list.Add(keyValues);
        }
    }

    /// <summary>One UPDATE per row: each row gets its own values, and an UPDATE by key touches only that key's row.</summary>
    private void AppendUpdate(SqlBatch batch, KeyWrites<TKey, TValue> group)
    {
        batch.Append("UPDATE ").Append(_sql.Live).Append(" SET ");
        var values = group.FinalValues!;
        for (var i = 0; i < values.Length; i++)
        {
            batch.Append(_sql.ValueColumns[i]).Append(" = ").Value(values[i]).Append(", ");
        }

        batch.Append(_sql.Version).Append(" = ").Value(group.Final!.Version).Append(" WHERE ");
        _sql.KeyEquals(batch, group.KeyValues).EndStatement();
    }

    /// <summary>A multi-row INSERT of the groups' keys, values (for live rows) and versions.</summary>
    private void AppendInsert(SqlBatch batch, string table, List<KeyWrites<TKey, TValue>> groups, bool withValues, string? onDuplicate)
    {
        if (groups.Count == 0)
        {
            return;
        }

        batch.Append("INSERT INTO ").Append(table).Append(" (").Append(_sql.KeyList);
        if (withValues && _sql.ValueColumns.Length > 0)
        {
            batch.Append(", ").Append(string.Join(", ", _sql.ValueColumns));
        }

        batch.Append(", ").Append(_sql.Version).Append(") VALUES ");
        for (var i = 0; i < groups.Count; i++)
        {
            var group = groups[i];
            batch.Append(i == 0 ? "(" : ", (").Values(group.KeyValues);
            if (withValues && _sql.ValueColumns.Length > 0)
            {
                batch.Append(", ").Values(group.FinalValues!);
            }

            batch.Append(", ").Value(group.Final!.Version).Append(")");
        }

        if (onDuplicate is not null)
        {
            batch.Append(" ON DUPLICATE KEY UPDATE ").Append(onDuplicate);
        }

        batch.EndStatement();
    }
}
