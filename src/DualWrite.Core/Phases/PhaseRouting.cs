namespace DualWrite.Core.Phases;

/// <summary>How the application's reads and writes are routed in one phase.</summary>
/// <param name="Phase">The phase this routing belongs to.</param>
/// <param name="WriteAuthority">The store written first; a write is acknowledged only once it holds there.</param>
/// <param name="WritesSecondary">Whether the application also writes the other store after the authoritative one.</param>
/// <param name="Reads">The store that serves reads.</param>
public readonly record struct PhaseRouting(MigrationPhase Phase, StoreRole WriteAuthority, bool WritesSecondary, StoreRole Reads)
{
    /// <summary>
    /// Whether each write, instead of writing the other store, leaves an intent for it in the repair log, which the
    /// repair worker applies in the background: NewOnly keeps the old store current this way, so stepping back is
    /// instant, while the application waits for the new store alone.
    /// </summary>
    public bool FeedsSecondary => Phase == MigrationPhase.NewOnly;

    /// <summary>Whether a write reaches the other store at all: written after the authoritative one, or fed through the repair log.</summary>
    public bool ReachesSecondary => WritesSecondary || FeedsSecondary;

    /// <summary>The store that is not authoritative for writes (written second when <see cref="WritesSecondary"/>).</summary>
    public StoreRole Secondary => WriteAuthority.Other();
}
