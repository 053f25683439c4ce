namespace DualWrite.Hosting.Flags;

/// <summary>Whether a phase source serves what its flags say.</summary>
public enum PhaseSourceHealth
{
    /// <summary>Every flag read resolves to a valid phase.</summary>
    Healthy = 0,

    /// <summary>Registered but not read yet; the first use or the next refresh reads it.</summary>
    NotLoaded = 1,

    /// <summary>A flag turned invalid after a valid read: its last good phase is still served.</summary>
    Stale = 2,

    /// <summary>A flag has never resolved to a valid phase: asking for it throws <see cref="PhaseUnavailableException"/>.</summary>
    Unavailable = 3,
}
