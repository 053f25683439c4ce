using System.Globalization;
using System.Text;
using MySqlConnector;

namespace DualWrite.Migration.Engine;

/// <summary>The keyset condition a source query resumes after a key with, shared by the snapshot and the reconciler.</summary>
internal static class KeysetSql
{
    /// <summary>
    /// The predicate "key after <paramref name="key"/>", expanded so MySQL uses the key's index:
    /// <c>a > x OR (a = x AND b > y) …</c>, binding <c>@k0</c>, <c>@k1</c>, ….
    /// </summary>
    /// <param name="keys">The key columns' expressions, in key order (quoted names, or an expression the query orders by).</param>
    /// <param name="key">The key's values, bound as they are.</param>
    /// <param name="command">Receives the parameters.</param>
    public static string After(IReadOnlyList<string> keys, IReadOnlyList<object?> key, MySqlCommand command)
    {
        var terms = new List<string>();
        for (var i = 0; i < keys.Count; i++)
        {
            var term = new StringBuilder("(");
            for (var j = 0; j < i; j++)
            {
                term.Append(CultureInfo.InvariantCulture, $"{keys[j]} = @k{j} AND ");
            }

            term.Append(CultureInfo.InvariantCulture, $"{keys[i]} > @k{i})");
            terms.Add(term.ToString());
            command.Parameters.AddWithValue($"@k{i}", key[i]);
        }

        return "(" + string.Join(" OR ", terms) + ")";
    }
}
