using DualWrite.Core.Stores;

namespace DualWrite.MySql.Stores;

/// <summary>
/// The writes one call makes to one key, in arrival order, with the versions the key holds (read under lock) and the
/// record that ends up stored.
/// </summary>
internal sealed class KeyWrites<TKey, TValue>
    where TKey : notnull
{
    public KeyWrites(TKey key, object?[] keyValues)
    {
        Key = key;
        KeyValues = keyValues;
    }

    public TKey Key { get; }

    public object?[] KeyValues { get; }

    /// <summary>The records for this key: their position in the call, the record, and its value columns (null for a tombstone).</summary>
    public List<(int Index, VersionedRecord<TKey, TValue> Record, object?[]? Values)> Records { get; } = [];

    /// <summary>The live row's version, or null when the table has no row for the key.</summary>
    public long? Live { get; set; }

    /// <summary>The tombstone's version, or null when there is none.</summary>
    public long? Tombstone { get; set; }

    /// <summary>Neither a row nor a tombstone: nothing was locked, so a concurrent writer may be inserting the key.</summary>
    public bool WasAbsent => Live is null && Tombstone is null;

    /// <summary>The record to store after <see cref="Decide"/>, or null when every record lost the version race.</summary>
    public VersionedRecord<TKey, TValue>? Final { get; private set; }

    /// <summary>The value columns of <see cref="Final"/> when it is live.</summary>
    public object?[]? FinalValues { get; private set; }

    /// <summary>
    /// Applies <see cref="VersionGuard"/> to the records in arrival order against the stored version (the newer of
    /// row and tombstone), as if they were written one by one; records the outcome of each in <paramref name="results"/>.
    /// </summary>
    public void Decide(WriteResult[] results)
    {
        var current = Live is { } live && (Tombstone is not { } stone || live > stone) ? Live : Tombstone;
        Final = null;
        FinalValues = null;
        foreach (var (index, record, values) in Records)
        {
            var result = VersionGuard.Decide(current, record.Version);
            results[index] = result;
            if (result == WriteResult.Applied)
            {
                current = record.Version;
                Final = record;
                FinalValues = values;
            }
        }
    }
}
