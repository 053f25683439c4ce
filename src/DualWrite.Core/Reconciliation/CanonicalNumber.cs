using System.Globalization;
using System.Text;

namespace DualWrite.Core.Reconciliation;

/// <summary>
/// One text per decimal value, exact at any precision: for a JSON document's numbers (<see cref="CanonicalJson"/>) and
/// for a numeric column that no .NET type holds whole, so that <c>1.50</c> from one server and <c>1.5</c> from the other
/// compare equal and nothing is rounded on the way.
/// </summary>
public static class CanonicalNumber
{
    /// <summary>
    /// A decimal number's text by value: no sign on zero, no leading or trailing zeros, no exponent
    /// (<c>-0.0</c> → <c>0</c>, <c>2.50</c> → <c>2.5</c>, <c>1e2</c> → <c>100</c>); beyond a thousand digits either
    /// side of the point, one digit before it and an exponent. Text that is not a number (<c>NaN</c>) stays as it is.
    /// </summary>
    /// <param name="text">A number's text: an optional sign, digits with at most one point, an optional exponent.</param>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.AsSpan().Trim();
        var i = 0;
        var negative = false;
        if (i < s.Length && s[i] is '-' or '+')
        {
            negative = s[i] == '-';
            i++;
        }

        var digits = new StringBuilder(s.Length);
        var point = -1;
        for (; i < s.Length && (char.IsAsciiDigit(s[i]) || (s[i] == '.' && point < 0)); i++)
        {
            if (s[i] == '.')
            {
                point = digits.Length;
            }
            else
            {
                digits.Append(s[i]);
            }
        }

        long exponent = 0;
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            if (!long.TryParse(s[(i + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
            {
                return text;
            }

            i = s.Length;
        }

        if (i != s.Length || digits.Length == 0)
        {
            return text;
        }

        // The value is 0.<digits> × 10^(before), with before the digits before the point.
        long before = (point < 0 ? digits.Length : point) + exponent;
        var all = digits.ToString();
        var first = 0;
        while (first < all.Length && all[first] == '0')
        {
            first++;
        }

        var last = all.Length;
        while (last > first && all[last - 1] == '0')
        {
            last--;
        }

        if (first == last)
        {
            return "0";
        }

        var significant = all[first..last];
        before -= first;
        var sign = negative ? "-" : "";
        if (before > 1000 || before < -1000)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{sign}{significant[0]}{(significant.Length > 1 ? "." + significant[1..] : "")}E{before - 1}");
        }

        if (before <= 0)
        {
            return sign + "0." + new string('0', (int)-before) + significant;
        }

        return before >= significant.Length
            ? sign + significant + new string('0', (int)before - significant.Length)
            : sign + significant[..(int)before] + "." + significant[(int)before..];
    }
}
