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
public sealed record ReconcileRow(RowKey Key, long? Version, IReadOnlyList<object?> Values);
