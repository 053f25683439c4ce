using System.Collections;
using System.Globalization;

namespace DualWrite.Core.Reconciliation;

public static partial class ReconcileReportJson
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss.FFFFFFF"];

    /// <summary>
    /// Reads a value's display text (<see cref="CanonicalEncoding.Display"/>) back to a canonical value whose display
    /// is that same text. Where displays coincide the first of these wins: quoted text, hex bytes, bits, a text array,
    /// a boolean, a GUID, a UTC moment, a date and time, an integer, a decimal, a double, a float, a time span (so a
    /// double 2 reads back as the integer 2, which shows alike).
    /// </summary>
    private static bool TryFromDisplay(string text, out object? value)
    {
        foreach (var candidate in Candidates(text))
        {
            if (string.Equals(CanonicalEncoding.Display(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = null;
        return false;
    }

    private static IEnumerable<object> Candidates(string text)
    {
        var invariant = CultureInfo.InvariantCulture;
        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'')
        {
            yield return text[1..^1].Replace("''", "'", StringComparison.Ordinal);
            yield break;
        }

        if (text.StartsWith("0x", StringComparison.Ordinal) && text.Length % 2 == 0 && text.Skip(2).All(char.IsAsciiHexDigit))
        {
            yield return Convert.FromHexString(text.AsSpan(2));
            yield break;
        }

        if (text.StartsWith("b'", StringComparison.Ordinal) && text.EndsWith('\'') && text.Length >= 3)
        {
            yield return new BitArray(text[2..^1].Select(c => c == '1').ToArray());
            yield break;
        }

        if (text.StartsWith('{') && text.EndsWith('}'))
        {
            yield return text.Length == 2 ? Array.Empty<string>() : text[1..^1].Split(',');
            yield break;
        }

        if (bool.TryParse(text, out var flag))
        {
            yield return flag;
        }

        if (Guid.TryParseExact(text, "D", out var guid))
        {
            yield return guid;
        }

        if (text.EndsWith('Z') && DateTime.TryParseExact(text[..^1], DateFormats[1], invariant, DateTimeStyles.None, out var utc))
        {
            yield return new DateTimeOffset(utc, TimeSpan.Zero);
        }

        if (DateTime.TryParseExact(text, DateFormats, invariant, DateTimeStyles.None, out var moment))
        {
            yield return moment;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var integer))
        {
            yield return integer;
        }

        if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, invariant, out var exact))
        {
            yield return exact;
        }

        if (double.TryParse(text, NumberStyles.Float, invariant, out var real))
        {
            yield return real;
        }

        if (float.TryParse(text, NumberStyles.Float, invariant, out var single))
        {
            yield return single;
        }

        if (TimeSpan.TryParseExact(text, "c", invariant, out var span))
        {
            yield return span;
        }
    }
}
