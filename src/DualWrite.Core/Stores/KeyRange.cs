namespace DualWrite.Core.Stores;

/// <summary>
/// A half-open key range [<see cref="Lower"/>, <see cref="Upper"/>) for ordered scans; a missing bound is unbounded.
/// Half-open ranges tile a key space without overlap, which is what chunked reconciliation needs.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
public sealed record KeyRange<TKey>
    where TKey : notnull
{
    private KeyRange(bool hasLower, TKey? lower, bool hasUpper, TKey? upper)
    {
        HasLower = hasLower;
        Lower = lower;
        HasUpper = hasUpper;
        Upper = upper;
    }

    /// <summary>Whether the range starts at <see cref="Lower"/> (inclusive) rather than at the first key.</summary>
    public bool HasLower { get; }

    /// <summary>The inclusive lower bound when <see cref="HasLower"/>.</summary>
    public TKey? Lower { get; }

    /// <summary>Whether the range ends before <see cref="Upper"/> (exclusive) rather than after the last key.</summary>
    public bool HasUpper { get; }

    /// <summary>The exclusive upper bound when <see cref="HasUpper"/>.</summary>
    public TKey? Upper { get; }

#pragma warning disable CA1000 // Factories on the generic type keep call sites short: KeyRange<long>.Between(1, 10).
    /// <summary>Every key.</summary>
    public static KeyRange<TKey> All { get; } = new(false, default, false, default);

    /// <summary>Keys from <paramref name="lower"/> (inclusive) to <paramref name="upper"/> (exclusive).</summary>
    public static KeyRange<TKey> Between(TKey lower, TKey upper) => new(true, lower, true, upper);

    /// <summary>Keys from <paramref name="lower"/> (inclusive) onwards.</summary>
    public static KeyRange<TKey> AtOrAfter(TKey lower) => new(true, lower, false, default);

    /// <summary>Keys before <paramref name="upper"/> (exclusive).</summary>
    public static KeyRange<TKey> Before(TKey upper) => new(false, default, true, upper);
#pragma warning restore CA1000

    /// <summary>Whether <paramref name="key"/> lies in the range under <paramref name="comparer"/>.</summary>
    public bool Contains(TKey key, IComparer<TKey> comparer)
    {
        ArgumentNullException.ThrowIfNull(comparer);
        return (!HasLower || comparer.Compare(key, Lower!) >= 0)
            && (!HasUpper || comparer.Compare(key, Upper!) < 0);
    }
}
