namespace DualWrite.Core.Reconciliation;

/// <summary>
/// A row's key as the reconciler handles it: the key column values in the canonical form of
/// <see cref="CanonicalEncoding"/> (so the same key read from either side is equal), with a stable text form for
/// reports and checkpoints. Keys are ordered by the pair's <see cref="IReconcilePair.KeyOrder"/>, which must match the
/// order both sides stream their rows in.
/// </summary>
public sealed class RowKey : IEquatable<RowKey>
{
    private byte[]? _encoded;

    /// <summary>Creates the key from its column values (canonical form, see <see cref="CanonicalEncoding"/>).</summary>
    /// <exception cref="ArgumentException">A value's type has no canonical form.</exception>
    public RowKey(IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        CanonicalEncoding.Check(values);
        Values = values;
    }

    /// <summary>The key column values, in key column order.</summary>
    public IReadOnlyList<object?> Values { get; }

    /// <summary>The canonical bytes of the key: equal keys have equal bytes (encoded when first asked for: a streamed key is digested from its values).</summary>
    public ReadOnlySpan<byte> Encoded => _encoded ??= CanonicalEncoding.Encode(Values);

    /// <inheritdoc />
    public bool Equals(RowKey? other) => other is not null && Encoded.SequenceEqual(other.Encoded);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RowKey);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Encoded);
        return hash.ToHashCode();
    }

    /// <summary>The key as reports show it: one value, or the values in parentheses.</summary>
    public override string ToString() =>
        Values.Count == 1 ? CanonicalEncoding.Display(Values[0]) : "(" + string.Join(", ", Values.Select(CanonicalEncoding.Display)) + ")";
}
