using System.Text;

namespace DualWrite.Core.Relational;

/// <summary>
/// The WHERE condition of a key range over a table's key columns, as keyset-paged scans send it: the lower bound
/// (inclusive for a range's start, exclusive after the last key a batch returned) and the exclusive upper bound, each a
/// comparison of the key columns in key order — a row-value comparison, <c>(a, b) &gt; (?, ?)</c>, for a composite key.
/// Values are never spliced in: each is handed to the caller's binder, which records it and returns its placeholder.
/// </summary>
public sealed class KeyRangeSql
{
    private readonly SqlDialect _dialect;
    private readonly string[] _keys;
    private readonly string _keyList;

    /// <summary>Creates the conditions for <paramref name="keyColumns"/>, in key order.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">There is no key column.</exception>
    public KeyRangeSql(SqlDialect dialect, IReadOnlyList<string> keyColumns)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(keyColumns);
        if (keyColumns.Count == 0)
        {
            throw new ArgumentException("A key range needs at least one key column.", nameof(keyColumns));
        }

        _dialect = dialect;
        _keys = [.. keyColumns.Select(dialect.Quote)];
        _keyList = string.Join(", ", _keys);
    }

    /// <summary>
    /// The condition <c>lower ≤ key &lt; upper</c> (or <c>lower &lt; key</c> when <paramref name="lowerInclusive"/> is
    /// false); <c>TRUE</c> when there is neither bound. Placeholders are bound in the order they appear in the text,
    /// so positional parameters (<c>?</c>) line up.
    /// </summary>
    /// <param name="lower">The lower bound's key column values, or <see langword="null"/> for none.</param>
    /// <param name="lowerInclusive">Whether a key equal to <paramref name="lower"/> is in the range.</param>
    /// <param name="upper">The exclusive upper bound's key column values, or <see langword="null"/> for none.</param>
    /// <param name="bind">Records the value for key column <c>i</c> and returns its placeholder.</param>
    /// <exception cref="ArgumentNullException"><paramref name="bind"/> is null.</exception>
    /// <exception cref="ArgumentException">A bound has not one value per key column.</exception>
    public string Condition(object?[]? lower, bool lowerInclusive, object?[]? upper, Func<int, object?, string> bind)
    {
        ArgumentNullException.ThrowIfNull(bind);
        if (lower is null && upper is null)
        {
            return "TRUE";
        }

        var text = new StringBuilder();
        if (lower is not null)
        {
            Compare(text, lowerInclusive ? ">=" : ">", lower, nameof(lower), bind);
        }

        if (upper is not null)
        {
            Compare(text.Append(lower is null ? "" : " AND "), "<", upper, nameof(upper), bind);
        }

        return text.ToString();
    }

    private void Compare(StringBuilder text, string comparison, object?[] key, string parameter, Func<int, object?, string> bind)
    {
        if (key.Length != _keys.Length)
        {
            throw new ArgumentException($"A key range bound needs {_keys.Length} value(s), one per key column; it has {key.Length}.", parameter);
        }

        if (_keys.Length == 1)
        {
            text.Append(_keys[0]).Append(' ').Append(comparison).Append(' ').Append(bind(0, key[0]));
            return;
        }

        if (_dialect.BoundsLeadingKeyColumn)
        {
            // Weak on the leading column alone, so the server can seek the index there; the row comparison is exact.
            text.Append(_keys[0]).Append(comparison[0] == '>' ? " >= " : " <= ").Append(bind(0, key[0])).Append(" AND ");
        }

        text.Append('(').Append(_keyList).Append(") ").Append(comparison).Append(" (");
        for (var i = 0; i < key.Length; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(bind(i, key[i]));
        }

        text.Append(')');
    }
}
