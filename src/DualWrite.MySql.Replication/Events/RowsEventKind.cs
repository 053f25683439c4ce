namespace DualWrite.MySql.Replication.Events;

/// <summary>What a rows event does.</summary>
public enum RowsEventKind
{
    /// <summary>Rows inserted (after images only).</summary>
    Insert,
    /// <summary>Rows updated (before and after images).</summary>
    Update,
    /// <summary>Rows deleted (before images only).</summary>
    Delete,
}
