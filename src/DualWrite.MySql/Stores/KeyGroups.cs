using DualWrite.Core.Stores;

namespace DualWrite.MySql.Stores;

/// <summary>The records of one guarded write call, grouped by key in key order (which is also the order rows are locked in).</summary>
internal sealed class KeyGroups<TKey, TValue>
    where TKey : notnull
{
    private readonly SortedDictionary<TKey, KeyWrites<TKey, TValue>> _byKey;

    private KeyGroups(SortedDictionary<TKey, KeyWrites<TKey, TValue>> byKey, int recordCount)
    {
        _byKey = byKey;
        RecordCount = recordCount;
        Groups = [.. byKey.Values];
        KeyValues = [.. Groups.Select(g => g.KeyValues)];
    }

    public IReadOnlyList<KeyWrites<TKey, TValue>> Groups { get; }

    public IReadOnlyList<object?[]> KeyValues { get; }

    public int RecordCount { get; }

    /// <summary>Groups and converts every record before anything is sent, so a record the mapping rejects writes nothing.</summary>
    public static KeyGroups<TKey, TValue> Create(IReadOnlyList<VersionedRecord<TKey, TValue>> records, MySqlTableMapping<TKey, TValue> mapping)
    {
        var byKey = new SortedDictionary<TKey, KeyWrites<TKey, TValue>>(mapping.KeyComparer);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new ArgumentException($"Record {i} is null.", nameof(records));
            if (!byKey.TryGetValue(record.Key, out var group))
            {
                group = new KeyWrites<TKey, TValue>(record.Key, mapping.KeyValues(record.Key));
                byKey.Add(record.Key, group);
            }

            group.Records.Add((i, record, record.IsTombstone ? null : mapping.ValueValues(record.Value!)));
        }

        return new KeyGroups<TKey, TValue>(byKey, records.Count);
    }

    /// <summary>The group of a key the server returned; a key no group matches means the comparer disagrees with the server.</summary>
    public KeyWrites<TKey, TValue> Find(TKey key, MySqlTableMapping<TKey, TValue> mapping) =>
        _byKey.TryGetValue(key, out var group)
            ? group
            : throw new MySqlStoreException(
                MySqlStoreErrorKind.SchemaMismatch,
                mapping.ToString(),
                $"Table '{mapping}' returned key '{key}', which the mapping's key comparer matches to none of the keys asked for; the comparer must order and compare keys as the key columns' types and collations do.");

    public void ForgetVersions()
    {
        foreach (var group in Groups)
        {
            group.Live = null;
            group.Tombstone = null;
        }
    }

    public (long? Live, long? Tombstone)[] Versions() => [.. Groups.Select(g => (g.Live, g.Tombstone))];

    public void Decide(WriteResult[] results)
    {
        foreach (var group in Groups)
        {
            group.Decide(results);
        }
    }
}
