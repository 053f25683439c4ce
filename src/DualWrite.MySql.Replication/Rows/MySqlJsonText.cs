using System.Globalization;
using System.Text;

namespace DualWrite.MySql.Replication.Rows;

/// <summary>
/// Writes JSON text exactly as MySQL prints a JSON value (Json_wrapper::to_string): <c>", "</c> between elements,
/// <c>": "</c> after keys, strings escaped as double_quote() does, doubles as my_gcvt() prints them.
/// </summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/json__dom_8h.html</remarks>
internal static class MySqlJsonText
{
    // my_gcvt() field width used for JSON doubles: MY_GCVT_MAX_FIELD_WIDTH = DBL_DIG + 4 + max(5, DBL_DIG).
    private const int DoubleFieldWidth = 34;

    // my_gcvt() prefers the 'e' format when |x| < 1e-15 or an integer needs more than 15 digits (MAX_DECPT_FOR_F_FORMAT2).
    private const int MaxDecimalPointForFixed = 15;

    /// <summary>Appends a quoted string, escaping '"', '\\' and control characters up to U+001F (lower-case \u00xx).</summary>
    public static void AppendString(StringBuilder text, ReadOnlySpan<char> value)
    {
        text.Append('"');
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c > 0x1F && c != '"' && c != '\\')
            {
                continue;
            }
            text.Append(value[start..i]);
            start = i + 1;
            text.Append('\\');
            switch (c)
            {
                case '\b':
                    text.Append('b');
                    break;
                case '\t':
                    text.Append('t');
                    break;
                case '\n':
                    text.Append('n');
                    break;
                case '\f':
                    text.Append('f');
                    break;
                case '\r':
                    text.Append('r');
                    break;
                case '"':
                case '\\':
                    text.Append(c);
                    break;
                default:
                    text.Append("u00").Append(LowerHex[c >> 4]).Append(LowerHex[c & 0xF]);
                    break;
            }
        }
        text.Append(value[start..]);
        text.Append('"');
    }

    /// <summary>
    /// Appends a double as MySQL's JSON output does: the shortest round-trip digits laid out by my_gcvt() (fixed
    /// notation for 1e-15 &lt;= |x| &lt; 1e15 or non-integers, else <c>1.5e20</c> / <c>1e-16</c>), with ".0" added
    /// when the result shows neither a point nor an exponent.
    /// </summary>
    /// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/dtoa_8cc.html (my_gcvt)</remarks>
    public static void AppendDouble(StringBuilder text, double value)
    {
        var start = text.Length;
        AppendGcvt(text, value);
        for (var i = start; i < text.Length; i++)
        {
            if (text[i] is '.' or 'e')
            {
                return;
            }
        }
        text.Append(".0");
    }

    private static string LowerHex => "0123456789abcdef";

    private static void AppendGcvt(StringBuilder text, double value)
    {
        if (!double.IsFinite(value))
        {
            // dtoa() reports overflow and my_gcvt() prints "0".
            text.Append('0');
            return;
        }
        var negative = double.IsNegative(value);
        if (value == 0)
        {
            text.Append(negative ? "-0" : "0");
            return;
        }

        // Shortest round-trip digits and the decimal point position (value = 0.DIGITS * 10^decpt), like dtoa mode 0.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var e = shortest.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e < 0 ? shortest : shortest[..e];
        var exponent = e < 0 ? 0 : int.Parse(shortest.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : string.Concat(mantissa.AsSpan(0, point), mantissa.AsSpan(point + 1));
        var decpt = (point < 0 ? mantissa.Length : point) + exponent;
        var leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
        {
            leading++;
        }
        digits = digits[leading..].TrimEnd('0');
        decpt -= leading;
        var len = digits.Length;

        var width = DoubleFieldWidth - (value < 0 ? 1 : 0);
        var expLength = 1 + (decpt >= 101 || decpt <= -99 ? 1 : 0) + (decpt >= 11 || decpt <= -9 ? 1 : 0);
        var fixedLength = decpt <= 0 ? len - decpt + 2 : decpt < len ? len + 1 : decpt;
        var haveSpace = fixedLength <= width;
        var forceExponent = decpt <= 0 && width <= 2 - decpt && width >= 3 + expLength;
        var useFixed = (haveSpace || (decpt <= width && (decpt >= -1 || (decpt == -2 && (len > 1 || !forceExponent))) && !forceExponent))
            && (!haveSpace || (decpt >= -MaxDecimalPointForFixed + 1 && (decpt <= MaxDecimalPointForFixed || len > decpt)));

        if (negative)
        {
            text.Append('-');
        }
        if (useFixed && haveSpace)
        {
            if (decpt <= 0)
            {
                text.Append("0.").Append('0', -decpt).Append(digits);
            }
            else if (decpt < len)
            {
                text.Append(digits.AsSpan(0, decpt)).Append('.').Append(digits.AsSpan(decpt));
            }
            else
            {
                text.Append(digits).Append('0', decpt - len);
            }
            return;
        }

        // 'e' format: d[.ddd]e[-]x, no '+' and no zero padding of the exponent. The field is always wide enough for
        // the at most 17 significant digits of a double, so no digits are dropped.
        text.Append(digits[0]);
        if (len > 1)
        {
            text.Append('.').Append(digits.AsSpan(1));
        }
        text.Append('e').Append((decpt - 1).ToString(CultureInfo.InvariantCulture));
    }
}
