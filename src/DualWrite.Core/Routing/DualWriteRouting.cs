using DualWrite.Core.Phases;

namespace DualWrite.Core.Routing;

/// <summary>The routing the decorator applies, which may write the old store in <see cref="MigrationPhase.NewOnly"/>.</summary>
internal static class DualWriteRouting
{
    /// <summary>
    /// The phase table's routing, except that <see cref="MigrationPhase.NewOnly"/> writes the old store as the
    /// secondary when <paramref name="keepOldInSyncInNewOnly"/> is set, so stepping back to
    /// <see cref="MigrationPhase.DualWriteReadNew"/> finds an old store that is up to date.
    /// </summary>
    public static PhaseRouting For(MigrationPhase phase, bool keepOldInSyncInNewOnly)
    {
        var routing = phase.Routing();
        return phase == MigrationPhase.NewOnly && keepOldInSyncInNewOnly
            ? routing with { WritesSecondary = true }
            : routing;
    }

    /// <summary>The other store.</summary>
    public static StoreRole Other(this StoreRole role) => role == StoreRole.Old ? StoreRole.New : StoreRole.Old;
}
