using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DualWrite.Migration.Schema;
using NpgsqlTypes;

namespace DualWrite.Migration.Reconcile;

/// <summary>
/// The one normaliser per target column type, applied to both sides' values: to the value the copy writes (the source
/// value after <c>ColumnSpec.Convert</c>) and to the value Npgsql reads back from the target column, so the two are
/// the same canonical value (<see cref="DualWrite.Core.Reconciliation.CanonicalEncoding"/>) exactly when the target
/// holds what the copy wrote. Only representations change: what PostgreSQL keeps as a different value stays different.
/// </summary>
internal static class CanonicalValues
{
    private static readonly JsonWriterOptions JsonOutput = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The normaliser of non-null values of <paramref name="type"/>.</summary>
    public static Func<object, object> For(TargetColumnType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.StagedAsText)
        {
            // numeric beyond decimal: the exact text, compared by value (1.50 = 1.5).
            return value => Number(Text(value));
        }

        return type.DbType switch
        {
            NpgsqlDbType.Interval => Interval,
            NpgsqlDbType.Bit => Bits,
            NpgsqlDbType.Jsonb => value => Json(Text(value)),
            NpgsqlDbType.TimestampTz => Instant,
            NpgsqlDbType.Date => Date,
            _ => Same,
        };
    }

    private static object Same(object value) => value;

    /// <summary>TIME travels as an interval of microseconds; Npgsql reads it back as a <see cref="TimeSpan"/> (or an interval, months as 30 days).</summary>
    private static object Interval(object value) => value switch
    {
        NpgsqlInterval i => new TimeSpan(((i.Months * 30L) + i.Days) * TimeSpan.TicksPerDay + (i.Time * TimeSpan.TicksPerMicrosecond)),
        _ => value,
    };

    /// <summary>Npgsql reads a <c>bit(1)</c> as a bool, every other width as a <see cref="BitArray"/>.</summary>
    private static object Bits(object value) => value is bool flag ? new BitArray(1, flag) : value;

    /// <summary>An instant, as a UTC <see cref="DateTime"/>.</summary>
    private static object Instant(object value) => value switch
    {
        DateTimeOffset d => d.UtcDateTime,
        DateTime { Kind: DateTimeKind.Local } d => d.ToUniversalTime(),
        DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc),
        _ => value,
    };

    private static object Date(object value) => value is DateOnly d ? d.ToDateTime(TimeOnly.MinValue) : value;

    private static string Text(object value) => value switch
    {
        string s => s,
        ReadOnlyMemory<byte> m => Encoding.UTF8.GetString(m.Span),
        byte[] b => Encoding.UTF8.GetString(b),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    /// <summary>
    /// One JSON text per meaning, as <c>jsonb</c> keeps it: no white space, object keys sorted (the last of a repeated
    /// key wins), strings unescaped alike, numbers by value (<see cref="Number"/>). Text that is not JSON stays as it is.
    /// </summary>
    internal static string Json(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return text;
        }

        using (document)
        {
            var buffer = new ArrayBufferWriter<byte>(text.Length + 16);
            using (var writer = new Utf8JsonWriter(buffer, JsonOutput))
            {
                Write(writer, document.RootElement);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var member in element.EnumerateObject())
                {
                    members[member.Name] = member.Value;
                }

                writer.WriteStartObject();
                foreach (var (name, value) in members)
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(Number(element.GetRawText()), skipInputValidation: true);
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>
    /// A decimal number's text by value: no sign on zero, no leading or trailing zeros, no exponent
    /// (<c>-0.0</c> → <c>0</c>, <c>2.50</c> → <c>2.5</c>, <c>1e2</c> → <c>100</c>); beyond a thousand digits either
    /// side of the point, one digit before it and an exponent. Text that is not a number (<c>NaN</c>) stays as it is.
    /// </summary>
    internal static string Number(string text)
    {
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
