using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace DualWrite.Core.Reconciliation;

/// <summary>
/// The canonical, typed encoding both sides of a pair are digested in: the same value gives the same bytes whichever
/// side it was read from. Row sources hand values over in canonical form, which is the CLR value the copy writes into
/// the target (after the plan's mapping and conversion), normalised only in representation:
/// <list type="bullet">
/// <item>every integer type is one integer (<c>long</c>); <c>ulong</c> above <c>long.MaxValue</c> and <c>decimal</c> are one exact decimal, compared by value (1.50 = 1.5);</item>
/// <item><c>double</c> and <c>float</c> by their bits (one ulp apart differs; every NaN is one NaN);</item>
/// <item>text as its UTF-8 bytes (NULL and the empty string differ); <c>byte[]</c> as its bytes;</item>
/// <item><c>DateTime</c> by its ticks (a source converts time zones before, so the kind is not compared), <c>DateTimeOffset</c> by its UTC ticks, <c>TimeSpan</c> by its ticks;</item>
/// <item><c>BitArray</c> by its length and bits; <c>bool</c>; <c>Guid</c>; <c>string[]</c> by its members in order.</item>
/// </list>
/// Each value is a type tag, then its bytes (variable-length ones after their length), so no two different values
/// of any types encode alike. Any other type is refused: a source must normalise it first.
/// </summary>
public static class CanonicalEncoding
{
    private const byte NullTag = 0;
    private const byte IntegerTag = 1;
    private const byte DecimalTag = 2;
    private const byte DoubleTag = 3;
    private const byte SingleTag = 4;
    private const byte TextTag = 5;
    private const byte BytesTag = 6;
    private const byte DateTimeTag = 7;
    private const byte TimeSpanTag = 8;
    private const byte BitsTag = 9;
    private const byte BoolTag = 10;
    private const byte GuidTag = 11;
    private const byte TextArrayTag = 12;

    /// <summary>The canonical bytes of <paramref name="values"/>, in order.</summary>
    /// <exception cref="ArgumentException">A value's type has no canonical form (the message names it).</exception>
    public static byte[] Encode(IReadOnlyList<object?> values) => Written(values).Written.ToArray();

    /// <summary>The thread's hasher, holding the canonical bytes of <paramref name="values"/> (until the thread's next encoding).</summary>
    private static RowHasher Written(IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var hasher = Hasher;
        hasher.Start();
        for (var i = 0; i < values.Count; i++)
        {
            hasher.Add(values[i]);
        }

        return hasher;
    }

    /// <summary>Checks that every value has a canonical form, without encoding it.</summary>
    /// <exception cref="ArgumentException">A value's type has no canonical form (the message names it).</exception>
    public static void Check(IReadOnlyList<object?> values) => _ = Written(values);

    /// <summary>
    /// Appends the canonical bytes of <paramref name="values"/> to <paramref name="digest"/>, as
    /// <see cref="Encode"/> gives them, without allocating them.
    /// </summary>
    /// <exception cref="ArgumentException">A value's type has no canonical form.</exception>
    public static void AppendTo(NonCryptographicHashAlgorithm digest, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(digest);
        digest.Append(Written(values).Written);
    }

    /// <summary>Appends the canonical bytes of one value.</summary>
    /// <exception cref="ArgumentException">The value's type has no canonical form.</exception>
    public static void Append(IBufferWriter<byte> writer, object? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value)
        {
            case null or DBNull:
                Tag(writer, NullTag);
                break;
            case long l:
                Integer(writer, l);
                break;
            case int i:
                Integer(writer, i);
                break;
            case short s:
                Integer(writer, s);
                break;
            case sbyte sb:
                Integer(writer, sb);
                break;
            case byte b:
                Integer(writer, b);
                break;
            case ushort us:
                Integer(writer, us);
                break;
            case uint ui:
                Integer(writer, ui);
                break;
            case ulong ul when ul <= long.MaxValue:
                Integer(writer, (long)ul);
                break;
            case ulong ul:
                Decimal(writer, ul);
                break;
            case decimal d when d == Math.Truncate(d) && d >= long.MinValue && d <= long.MaxValue:
                // A whole decimal is the integer it equals, so numeric(20,0) and BIGINT agree on small values.
                Integer(writer, (long)d);
                break;
            case decimal d:
                Decimal(writer, d);
                break;
            case double db:
                Fixed(writer, DoubleTag, double.IsNaN(db) ? BitConverter.DoubleToInt64Bits(double.NaN) : BitConverter.DoubleToInt64Bits(db));
                break;
            case float f:
                Fixed32(writer, SingleTag, float.IsNaN(f) ? BitConverter.SingleToInt32Bits(float.NaN) : BitConverter.SingleToInt32Bits(f));
                break;
            case string text:
                Text(writer, text);
                break;
            case byte[] bytes:
                Bytes(writer, BytesTag, bytes);
                break;
            case ReadOnlyMemory<byte> utf8:
                // UTF-8 text handed over as its bytes (a source that reads text without decoding it).
                Bytes(writer, TextTag, utf8.Span);
                break;
            case DateTime dt:
                Fixed(writer, DateTimeTag, dt.Ticks);
                break;
            case DateTimeOffset dto:
                Fixed(writer, DateTimeTag, dto.UtcTicks);
                break;
            case TimeSpan ts:
                Fixed(writer, TimeSpanTag, ts.Ticks);
                break;
            case BitArray bits:
                Bits(writer, bits);
                break;
            case bool flag:
                Tag(writer, BoolTag);
                Tag(writer, flag ? (byte)1 : (byte)0);
                break;
            case Guid guid:
                Tag(writer, GuidTag);
                guid.TryWriteBytes(writer.GetSpan(16), bigEndian: true, out _);
                writer.Advance(16);
                break;
            case string[] members:
                Tag(writer, TextArrayTag);
                Length(writer, members.Length);
                foreach (var member in members)
                {
                    Append(writer, member);
                }

                break;
            default:
                throw NoEncoding(value);
        }
    }

    private static ArgumentException NoEncoding(object value) =>
        new($"A {value.GetType().FullName} has no canonical encoding; the row source must hand it over as one of the canonical types (see CanonicalEncoding).", "value");

    /// <summary>Whether two values are the same value under the canonical encoding.</summary>
    public static bool Same(object? a, object? b) => Encode([a]).AsSpan().SequenceEqual(Encode([b]));

    /// <summary>A 64-bit hash of a row's canonical values (and version, when given).</summary>
    public static ulong RowHash(IReadOnlyList<object?> values, long? version) => Written(values).Finish(version);

    [ThreadStatic]
    private static RowHasher? _hasher;

    private static RowHasher Hasher => _hasher ??= new RowHasher();

    /// <summary>The tag and length a text value's UTF-8 bytes follow.</summary>
    internal static void TextHeader(IBufferWriter<byte> writer, int length)
    {
        Tag(writer, TextTag);
        Length(writer, length);
    }

    /// <summary>A row's version, after its values in its hash.</summary>
    internal static void Version(IBufferWriter<byte> writer, long version) => Fixed(writer, IntegerTag, version);

    /// <summary>How a report shows a key value: numbers and dates plainly (invariant culture), text quoted, bytes in hex.</summary>
    public static string Display(object? value) => value switch
    {
        null or DBNull => "NULL",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        byte[] b => "0x" + Convert.ToHexString(b),
        ReadOnlyMemory<byte> m => Display(Encoding.UTF8.GetString(m.Span)),
        DateTime d => d.ToString(d.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture) + "Z",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        BitArray bits => "b'" + string.Concat(bits.Cast<bool>().Select(x => x ? '1' : '0')) + "'",
        string[] members => "{" + string.Join(",", members) + "}",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>
    /// The values as text that <see cref="FromText"/> reads back to equal canonical values (for checkpoints): a JSON
    /// array of type-tagged strings.
    /// </summary>
    public static string ToText(IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return JsonSerializer.Serialize(values.Select(TaggedText).ToArray());
    }

    /// <summary>Reads what <see cref="ToText"/> wrote.</summary>
    /// <exception cref="FormatException">The text is not what <see cref="ToText"/> writes.</exception>
    public static object?[] FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string?[] parts;
        try
        {
            parts = JsonSerializer.Deserialize<string?[]>(text) ?? throw new FormatException("Canonical value text is empty.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"'{text}' is not canonical value text: {ex.Message}", ex);
        }

        return [.. parts.Select(FromTagged)];
    }

    private static string? TaggedText(object? value) => value switch
    {
        null or DBNull => null,
        long or int or short or sbyte or byte or ushort or uint => "i:" + Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        ulong ul => "n:" + ul.ToString(CultureInfo.InvariantCulture),
        decimal d => "n:" + d.ToString(CultureInfo.InvariantCulture),
        double d => "f:" + BitConverter.DoubleToInt64Bits(d).ToString(CultureInfo.InvariantCulture),
        float f => "r:" + BitConverter.SingleToInt32Bits(f).ToString(CultureInfo.InvariantCulture),
        string s => "s:" + s,
        ReadOnlyMemory<byte> m => "s:" + Encoding.UTF8.GetString(m.Span),
        byte[] b => "b:" + Convert.ToBase64String(b),
        DateTime d => "t:" + d.Ticks.ToString(CultureInfo.InvariantCulture),
        DateTimeOffset d => "t:" + d.UtcTicks.ToString(CultureInfo.InvariantCulture),
        TimeSpan t => "p:" + t.Ticks.ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "o:1" : "o:0",
        Guid g => "g:" + g.ToString("D"),
        BitArray bits => "x:" + string.Concat(bits.Cast<bool>().Select(x => x ? '1' : '0')),
        string[] members => "a:" + JsonSerializer.Serialize(members),
        _ => throw new ArgumentException($"A {value.GetType().FullName} has no canonical encoding.", nameof(value)),
    };

    private static object? FromTagged(string? part)
    {
        if (part is null)
        {
            return null;
        }

        if (part.Length < 2 || part[1] != ':')
        {
            throw new FormatException($"'{part}' is not a type-tagged canonical value.");
        }

        var body = part[2..];
        return part[0] switch
        {
            'i' => long.Parse(body, CultureInfo.InvariantCulture),
            'n' => decimal.Parse(body, NumberStyles.Number, CultureInfo.InvariantCulture),
            'f' => BitConverter.Int64BitsToDouble(long.Parse(body, CultureInfo.InvariantCulture)),
            'r' => BitConverter.Int32BitsToSingle(int.Parse(body, CultureInfo.InvariantCulture)),
            's' => body,
            'b' => Convert.FromBase64String(body),
            't' => new DateTime(long.Parse(body, CultureInfo.InvariantCulture), DateTimeKind.Unspecified),
            'p' => TimeSpan.FromTicks(long.Parse(body, CultureInfo.InvariantCulture)),
            'o' => body == "1",
            'g' => Guid.Parse(body),
            'x' => new BitArray(body.Select(c => c == '1').ToArray()),
            'a' => JsonSerializer.Deserialize<string[]>(body) ?? [],
            _ => throw new FormatException($"'{part}' has an unknown type tag '{part[0]}'."),
        };
    }

    private static void Tag(IBufferWriter<byte> writer, byte tag)
    {
        writer.GetSpan(1)[0] = tag;
        writer.Advance(1);
    }

    private static void Integer(IBufferWriter<byte> writer, long value) => Fixed(writer, IntegerTag, value);

    private static void Fixed(IBufferWriter<byte> writer, byte tag, long value)
    {
        var span = writer.GetSpan(9);
        span[0] = tag;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], value);
        writer.Advance(9);
    }

    private static void Fixed32(IBufferWriter<byte> writer, byte tag, int value)
    {
        var span = writer.GetSpan(5);
        span[0] = tag;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], value);
        writer.Advance(5);
    }

    private static void Decimal(IBufferWriter<byte> writer, decimal value)
    {
        // By value: the shortest text, trailing fractional zeros dropped.
        var text = value.ToString(CultureInfo.InvariantCulture);
        if (text.Contains('.', StringComparison.Ordinal))
        {
            text = text.TrimEnd('0').TrimEnd('.');
        }

        Bytes(writer, DecimalTag, Encoding.ASCII.GetBytes(text));
    }

    private static void Decimal(IBufferWriter<byte> writer, ulong value) =>
        Bytes(writer, DecimalTag, Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)));

    private static void Text(IBufferWriter<byte> writer, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        Tag(writer, TextTag);
        Length(writer, length);
        var span = writer.GetSpan(length);
        Encoding.UTF8.GetBytes(text, span);
        writer.Advance(length);
    }

    private static void Bytes(IBufferWriter<byte> writer, byte tag, ReadOnlySpan<byte> bytes)
    {
        Tag(writer, tag);
        Length(writer, bytes.Length);
        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
    }

    private static void Bits(IBufferWriter<byte> writer, BitArray bits)
    {
        Tag(writer, BitsTag);
        Length(writer, bits.Length);
        var bytes = new byte[(bits.Length + 7) / 8];
        for (var i = 0; i < bits.Length; i++)
        {
            if (bits[i])
            {
                bytes[i / 8] |= (byte)(1 << (i % 8));
            }
        }

        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
    }

    private static void Length(IBufferWriter<byte> writer, int length)
    {
        var span = writer.GetSpan(4);
        BinaryPrimitives.WriteInt32LittleEndian(span, length);
        writer.Advance(4);
    }
}
