namespace DualWrite.Core.Diagnostics;

/// <summary>The outcome of comparing a shadow read with the authoritative one.</summary>
public enum ShadowReadResult
{
    /// <summary>Both stores returned the same record.</summary>
    Match = 0,

    /// <summary>The records differ, and still differed when read again.</summary>
    Mismatch = 1,

    /// <summary>The shadow read did not finish within its timeout; nothing was compared.</summary>
    Timeout = 2,

    /// <summary>The shadow read failed; nothing was compared.</summary>
    Error = 3,
}
