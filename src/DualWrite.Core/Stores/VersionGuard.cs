namespace DualWrite.Core.Stores;

/// <summary>
/// The single rule every store applies before a write: only a strictly newer version replaces what is stored.
/// Adapters that cannot push the rule into the server (a conditional upsert) apply it with this helper.
/// </summary>
public static class VersionGuard
{
    /// <summary>Decides whether a write at <paramref name="incomingVersion"/> may replace <paramref name="storedVersion"/>.</summary>
    /// <param name="storedVersion">The version currently stored for the key (live or tombstone), or <see langword="null"/> if the key is absent.</param>
    /// <param name="incomingVersion">The version the write carries.</param>
    public static WriteResult Decide(long? storedVersion, long incomingVersion)
    {
        if (storedVersion is not { } stored || incomingVersion > stored)
        {
            return WriteResult.Applied;
        }

        return incomingVersion == stored ? WriteResult.IgnoredSameVersion : WriteResult.IgnoredOlderVersion;
    }
}
