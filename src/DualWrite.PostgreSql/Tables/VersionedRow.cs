namespace DualWrite.PostgreSql.Tables;

/// <summary>One versioned change of a <see cref="VersionedTable"/>: a row's values in column order, or a tombstone.</summary>
/// <param name="Values">Every mapped column's value in <see cref="VersionedTable.Columns"/> order; for a tombstone only the key values count.</param>
/// <param name="Version">The change's version.</param>
/// <param name="IsTombstone">Whether the change deletes the key.</param>
public readonly record struct VersionedRow(IReadOnlyList<object?> Values, long Version, bool IsTombstone);
