namespace DualWrite.Core.Stores;

/// <summary>
/// What a versioned write did. A write that loses the version race is a normal outcome
/// (replays, late CDC events, retries), so it is reported as a value rather than thrown.
/// </summary>
public enum WriteResult
{
    /// <summary>The write carried a newer version than the stored one (or the key was absent) and is now stored.</summary>
    Applied = 0,

    /// <summary>The store already holds a newer version of the key; nothing changed.</summary>
    IgnoredOlderVersion = 1,

    /// <summary>The store already holds this exact version of the key (a replay or retry); nothing changed.</summary>
    IgnoredSameVersion = 2,
}
