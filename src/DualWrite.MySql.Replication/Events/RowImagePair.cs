namespace DualWrite.MySql.Replication.Events;

/// <summary>
/// One row of a rows event. Values are indexed by column ordinal; a NULL is null, and a column the
/// image does not carry (binlog_row_image other than FULL) is <see cref="RowImagePair.Absent"/>.
/// </summary>
/// <param name="Before">The row before the change (updates and deletes), or null.</param>
/// <param name="After">The row after the change (inserts and updates), or null.</param>
public sealed record RowImagePair(object?[]? Before, object?[]? After)
{
    /// <summary>Marks a column that a row image does not include.</summary>
    public static readonly object Absent = new AbsentValue();

    private sealed class AbsentValue
    {
        public override string ToString() => "(absent)";
    }
}
