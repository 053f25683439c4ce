namespace DualWrite.Core.Reconciliation;

/// <summary>
/// One live row of one side, as the reconciler compares it. Absent keys and tombstones are not rows: a side never
/// streams them.
/// </summary>
/// <param name="Key">The row's key.</param>
/// <param name="Version">
/// The row's version when the side knows it (the target's <c>_dw_version</c>, the source's version column, a versioned
/// store's record version); null when the side has none (a source table without a version column).
/// </param>
/// <param name="Values">The compared column values in <see cref="IReconcilePair.Columns"/> order, each in the canonical form of <see cref="CanonicalEncoding"/>.</param>
/// <remarks>
/// A side that streams many rows may digest each as it reads it (<see cref="RowHasher"/>) and hand over only its
/// <see cref="Hash"/>: the engine compares streamed rows by hash alone, and reads values again only for the keys that
/// differ (<see cref="IRowSource.ReadKeysAsync"/>, whose rows carry their values).
/// </remarks>
public sealed record ReconcileRow(RowKey Key, long? Version, IReadOnlyList<object?> Values)
{
    /// <summary>A row digested as it was read: its hash, without its values.</summary>
    /// <param name="key">The row's key.</param>
    /// <param name="version">The row's version when the side knows it.</param>
    /// <param name="hash">
    /// <see cref="CanonicalEncoding.RowHash"/> of its values, with its version when the pair compares versions
    /// (<see cref="IReconcilePair.VersionsCompared"/>), as a <see cref="RowHasher"/> gives it.
    /// </param>
    public ReconcileRow(RowKey key, long? version, ulong hash)
        : this(key, version, [])
    {
        Hash = hash;
    }

    /// <summary>The row's hash when the side digested it as it read it (its <see cref="Values"/> are then empty); else null.</summary>
    public ulong? Hash { get; }
}
