namespace DualWrite.Core.Reconciliation;

/// <summary>One side of a pair: streams a range's rows in key order, and reads given keys again.</summary>
public interface IRowSource
{
    /// <summary>
    /// Streams the live rows of <paramref name="range"/> whose keys come after <paramref name="after"/> (all of the
    /// range when null), in the pair's key order, one query and one pass: the engine reads both sides at once. Rows may
    /// carry their values or only their hash (<see cref="ReconcileRow.Hash"/>).
    /// </summary>
    IAsyncEnumerable<ReconcileRow> ReadAsync(ReconcileRange range, RowKey? after, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the current rows of <paramref name="keys"/> (absent and deleted keys are left out), and the feed position
    /// the read holds at when the side can tell it (a source read in a consistent snapshot), else null.
    /// </summary>
    Task<KeyRead> ReadKeysAsync(IReadOnlyCollection<RowKey> keys, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IRowSource.ReadKeysAsync"/> found.</summary>
/// <param name="Rows">The live rows found, by key.</param>
/// <param name="At">The feed position the read holds at, or null when the side cannot tell.</param>
/// <param name="VersionAt">
/// The greatest version a row read at <paramref name="At"/> can have (a source without a version column: the version
/// the change feed gives a change at that position), or null.
/// </param>
/// <param name="Deleted">
/// The versions of the deletes the side holds for keys it has no row of (a versioned target's tombstones), or null when
/// it cannot tell: a key deleted after the other side's read is then seen to have moved on, not to be missing.
/// </param>
public sealed record KeyRead(IReadOnlyDictionary<RowKey, ReconcileRow> Rows, FeedPosition? At = null, long? VersionAt = null, IReadOnlyDictionary<RowKey, long>? Deleted = null);
