namespace DualWrite.Backfill.Engine;

/// <summary>A row for the target: values converted to the target types in the table's column order, its version, and whether it is a delete (then only the key values matter).</summary>
internal readonly record struct TargetRow(object?[] Values, long Version, bool Deleted);
