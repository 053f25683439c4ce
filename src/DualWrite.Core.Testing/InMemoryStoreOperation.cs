using DualWrite.Core.Stores;

namespace DualWrite.Core.Testing;

/// <summary>The operation an <see cref="InMemoryVersionedStore{TKey, TValue}"/> fault hook is asked about.</summary>
public enum InMemoryStoreOperation
{
    /// <summary>A <see cref="IVersionedStore{TKey, TValue}.GetAsync"/> call.</summary>
    Get = 0,

    /// <summary>A <see cref="IVersionedStore{TKey, TValue}.UpsertAsync"/> call.</summary>
    Upsert = 1,

    /// <summary>A <see cref="IVersionedStore{TKey, TValue}.DeleteAsync"/> call.</summary>
    Delete = 2,

    /// <summary>One batch of a <see cref="IVersionedStore{TKey, TValue}.ScanAsync"/> enumeration.</summary>
    Scan = 3,

    /// <summary>One record of a <see cref="IVersionedStore{TKey, TValue}.BulkLoadAsync"/> call.</summary>
    BulkLoad = 4,
}
