namespace DualWrite.Core.Stores;

/// <summary>
/// Lets the decorator run a write outside a caller's ambient transaction. A store adapter that joins an ambient
/// transaction of the application (the MySQL store's <c>MySqlStoreTransaction</c>) must not join it while
/// <see cref="IsSuppressed"/> is true: the decorator suppresses it around the writes that must stand on their own,
/// whatever the caller's transaction does next — the secondary write and a repair-log entry for it. (Were the
/// secondary write inside the caller's transaction and that transaction rolled back, the secondary would silently lose
/// a write the authoritative store kept.)
/// </summary>
public static class AmbientTransactions
{
    private static readonly AsyncLocal<bool> Suppressed = new();

    /// <summary>Whether the current flow runs outside any ambient transaction.</summary>
    public static bool IsSuppressed => Suppressed.Value;

    /// <summary>Suppresses ambient transactions on the current flow until the returned scope is disposed.</summary>
    /// <remarks>Use it inside an async method: the flag then flows into what the method awaits and is gone once it returns.</remarks>
    public static Scope Suppress()
    {
        var previous = Suppressed.Value;
        Suppressed.Value = true;
        return new Scope(previous);
    }

    /// <summary>Restores the previous state when disposed.</summary>
    public readonly struct Scope : IDisposable, IEquatable<Scope>
    {
        private readonly bool _previous;

        internal Scope(bool previous) => _previous = previous;

        /// <inheritdoc />
        public void Dispose() => Suppressed.Value = _previous;

        /// <inheritdoc />
        public bool Equals(Scope other) => _previous == other._previous;

        /// <inheritdoc />
        public override bool Equals(object? obj) => obj is Scope other && Equals(other);

        /// <inheritdoc />
        public override int GetHashCode() => _previous.GetHashCode();

        /// <summary>Value equality.</summary>
        public static bool operator ==(Scope left, Scope right) => left.Equals(right);

        /// <summary>Value inequality.</summary>
        public static bool operator !=(Scope left, Scope right) => !left.Equals(right);
    }
}
