namespace DualWrite.Core.Stores;

/// <summary>
/// One row as a versioned store holds it: a key, the version of its last change, and either a value
/// or a tombstone left by a delete. The version travels with the data from the source (binlog
/// position, GTID sequence or a row-version column) and only grows, so any copy can tell stale from fresh.
/// </summary>
/// <typeparam name="TKey">The key type; ordered by the store's <see cref="IVersionedStore{TKey, TValue}.KeyComparer"/>.</typeparam>
/// <typeparam name="TValue">The row payload.</typeparam>
public sealed record VersionedRecord<TKey, TValue>
    where TKey : notnull
{
    /// <summary>Creates a live record holding <paramref name="value"/> at <paramref name="version"/>.</summary>
    public VersionedRecord(TKey key, long version, TValue value)
        : this(key, version, value, isTombstone: false)
    {
    }

    private VersionedRecord(TKey key, long version, TValue? value, bool isTombstone)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        Key = key;
        Version = version;
        Value = value;
        IsTombstone = isTombstone;
    }

    /// <summary>The row's key.</summary>
    public TKey Key { get; }

    /// <summary>The version of the change that produced this record; never negative.</summary>
    public long Version { get; }

    /// <summary>The row payload; <see langword="default"/> for a tombstone.</summary>
    public TValue? Value { get; }

    /// <summary>Whether this record marks a delete at <see cref="Version"/> rather than a live row.</summary>
    public bool IsTombstone { get; }

    /// <summary>Creates the tombstone a delete of <paramref name="key"/> at <paramref name="version"/> leaves behind.</summary>
    /// <remarks>Static on the generic type so that callers name the key and value types once, as with the constructor.</remarks>
#pragma warning disable CA1000 // A factory on the generic type reads better than a separate non-generic holder.
    public static VersionedRecord<TKey, TValue> Tombstone(TKey key, long version) => new(key, version, default, isTombstone: true);
#pragma warning restore CA1000
}
