namespace DualWrite.Core.Phases;

/// <summary>
/// Where one entity stands in its move from the old store to the new one. Phases are ordered:
/// a forward move goes to the next value, a rollback to a lower one. The numeric values are persisted.
/// </summary>
public enum MigrationPhase
{
    /// <summary>The application uses only the old store.</summary>
    OldOnly = 0,

    /// <summary>The application uses only the old store while the snapshot import and CDC fill the new one.</summary>
    Backfill = 1,

    /// <summary>Writes go to the old store (authoritative) and then the new one; reads come from the old store.</summary>
    DualWriteReadOld = 2,

    /// <summary>Writes go to the new store (authoritative) and then the old one; reads come from the new store.</summary>
    DualWriteReadNew = 3,

    /// <summary>The application uses only the new store; a reverse feed keeps the old one in sync until it is retired.</summary>
    NewOnly = 4,
}
