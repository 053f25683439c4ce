using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text.Unicode;

namespace DualWrite.MySql.Protocol.Text;

/// <summary>
/// Writes parameter values as SQL literals for client-side binding into COM_QUERY text. The
/// output is UTF-8, so it is only safe on connections whose character set is utf8mb4/utf8mb3
/// (multi-byte sets such as GBK can swallow an escaping backslash).
/// </summary>
/// <remarks>https://dev.mysql.com/doc/refman/8.4/en/string-literals.html</remarks>
internal static class SqlLiteralWriter
{
    // Backslash mode must escape these; NUL, CR, LF and Ctrl-Z are escaped so logs and the
    // mysql client's line reader see the statement intact.

    private static ReadOnlySpan<byte> HexDigits => "0123456789ABCDEF"u8;

    // Chunk for transcoding and hex so large values stream through the buffer writer.
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Appends the UTF-8 text of <paramref name="value"/> as an SQL literal.</summary>
    /// <param name="utf8">Destination.</param>
    /// <param name="value">The value; see the type list in the remarks.</param>
    /// <remarks>
    /// null/DBNull give NULL; bool gives TRUE/FALSE; integers, BigInteger, decimal (scale kept) and
    /// <see cref="MySqlDecimal"/> give invariant digits; float/double give round-trip text; strings,
    /// chars and <see cref="ReadOnlyMemory{T}"/> of char give quoted strings; byte arrays and byte
    /// memory give X'…'; Guid gives its 36-char text; DateTime 'yyyy-MM-dd HH:mm:ss.ffffff' (its
    /// Kind is ignored, sub-microsecond ticks are truncated); DateOnly, TimeOnly, TimeSpan (total
    /// hours, may be negative) and <see cref="MySqlDateTime"/> give quoted text; enums give their
    /// underlying integer.
    /// </remarks>
    /// <exception cref="MySqlException">
    /// The value is NaN or infinite, a string holds an unpaired surrogate, it is a
    /// <see cref="DateTimeOffset"/>, or its type is not supported.
    /// </exception>
    public static void Write(IBufferWriter<byte> utf8, object? value)
    {
        switch (value)
        {
            case null or DBNull:
                WriteAscii(utf8, "NULL"u8);
                break;
            case string s:
                WriteQuoted(utf8, s.AsSpan());
                break;
            case bool b:
                WriteAscii(utf8, b ? "TRUE"u8 : "FALSE"u8);
                break;
            case int i:
                WriteFormattable(utf8, i, default);
                break;
            case long l:
                WriteFormattable(utf8, l, default);
                break;
            case short sh:
                WriteFormattable(utf8, sh, default);
                break;
            case byte by:
                WriteFormattable(utf8, by, default);
                break;
            case sbyte sb:
                WriteFormattable(utf8, sb, default);
                break;
            case ushort us:
                WriteFormattable(utf8, us, default);
                break;
            case uint ui:
                WriteFormattable(utf8, ui, default);
                break;
            case ulong ul:
                WriteFormattable(utf8, ul, default);
                break;
            case Int128 i128:
                WriteFormattable(utf8, i128, default);
                break;
            case UInt128 u128:
                WriteFormattable(utf8, u128, default);
                break;
            case BigInteger big:
                WriteFormattable(utf8, big, default);
                break;
            case decimal d:
                WriteFormattable(utf8, d, default);
                break;
            case MySqlDecimal md:
                WriteAsciiText(utf8, md.ToString());
                break;
            case double d:
                WriteFloatingPoint(utf8, d, double.IsFinite(d));
                break;
            case float f:
                WriteSingle(utf8, f);
                break;
            case char c:
                WriteQuoted(utf8, new ReadOnlySpan<char>(in c));
                break;
            case ReadOnlyMemory<char> chars:
                WriteQuoted(utf8, chars.Span);
                break;
            case byte[] bytes:
                WriteHex(utf8, bytes);
                break;
            case ReadOnlyMemory<byte> bytes:
                WriteHex(utf8, bytes.Span);
                break;
            case Memory<byte> bytes:
                WriteHex(utf8, bytes.Span);
                break;
            case ArraySegment<byte> bytes:
                WriteHex(utf8, bytes.AsSpan());
                break;
            case Guid g:
                WriteQuotedFormattable(utf8, g, "D");
                break;
            case DateTime dt:
                WriteDateTime(utf8, dt);
                break;
            case DateOnly date:
                WriteQuotedFormattable(utf8, date, "yyyy-MM-dd");
                break;
            case TimeOnly time:
                WriteQuotedFormattable(utf8, time, "HH:mm:ss.ffffff");
                break;
            case TimeSpan span:
                WriteTimeSpan(utf8, span);
                break;
            case MySqlDateTime mdt:
                WriteAscii(utf8, "'"u8);
                WriteAsciiText(utf8, mdt.ToString());
                WriteAscii(utf8, "'"u8);
                break;
            case Enum e:
                WriteEnum(utf8, e);
                break;
            case DateTimeOffset:
                throw MySqlException.InvalidValue(
                    "DateTimeOffset parameters are not supported because MySQL and MariaDB have no offset-aware type; pass a DateTime (for example value.UtcDateTime) instead.");
            default:
                throw MySqlException.InvalidValue($"Parameters of type {value.GetType().FullName} are not supported.");
        }
    }

    private static void WriteAscii(IBufferWriter<byte> utf8, ReadOnlySpan<byte> ascii)
    {
        ascii.CopyTo(utf8.GetSpan(ascii.Length));
        utf8.Advance(ascii.Length);
    }

    private static void WriteAsciiText(IBufferWriter<byte> utf8, string ascii)
    {
        var destination = utf8.GetSpan(ascii.Length);
        for (var i = 0; i < ascii.Length; i++)
        {
            destination[i] = (byte)ascii[i];
        }
        utf8.Advance(ascii.Length);
    }

    private static void WriteFormattable<T>(IBufferWriter<byte> utf8, T value, ReadOnlySpan<char> format)
        where T : IUtf8SpanFormattable
    {
        var sizeHint = 64;
        while (true)
        {
            var destination = utf8.GetSpan(sizeHint);
            if (value.TryFormat(destination, out var written, format, CultureInfo.InvariantCulture))
            {
                utf8.Advance(written);
                return;
            }
            // Only BigInteger can outgrow the first guess; retry with a larger span.
            sizeHint = Math.Max(sizeHint, destination.Length) * 2;
        }
    }

    private static void WriteQuotedFormattable<T>(IBufferWriter<byte> utf8, T value, ReadOnlySpan<char> format)
        where T : IUtf8SpanFormattable
    {
        WriteAscii(utf8, "'"u8);
        WriteFormattable(utf8, value, format);
        WriteAscii(utf8, "'"u8);
    }

    private static void WriteFloatingPoint<T>(IBufferWriter<byte> utf8, T value, bool isFinite)
        where T : IUtf8SpanFormattable
    {
        if (!isFinite)
        {
            throw MySqlException.InvalidValue(string.Create(CultureInfo.InvariantCulture,
                $"The floating-point value {value} cannot be sent: MySQL and MariaDB store neither NaN nor infinity."));
        }
        WriteFormattable(utf8, value, "R");
    }

    // The server reads a numeric literal as a DOUBLE (or DECIMAL) and only then narrows it to FLOAT,
    // so the shortest text that round-trips a float can fail: float.MaxValue prints as 3.4028235E+38,
    // which is above FLT_MAX as a double and is rejected as out of range. When the shortest text does
    // not come back through a double, send the float's exact value as a double instead.
    private static void WriteSingle(IBufferWriter<byte> utf8, float value)
    {
        if (!float.IsFinite(value))
        {
            WriteFloatingPoint(utf8, value, isFinite: false);
            return;
        }
        Span<byte> shortest = stackalloc byte[32];
        if (value.TryFormat(shortest, out var written, "R", CultureInfo.InvariantCulture)
            && double.TryParse(shortest[..written], NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            && Math.Abs(parsed) <= float.MaxValue && (float)parsed == value)
        {
            WriteAscii(utf8, shortest[..written]);
            return;
        }
        WriteFormattable(utf8, (double)value, "R");
    }

    private static void WriteEnum(IBufferWriter<byte> utf8, Enum value)
    {
        var underlying = Enum.GetUnderlyingType(value.GetType());
        if (underlying == typeof(ulong) || underlying == typeof(uint) || underlying == typeof(ushort) || underlying == typeof(byte))
        {
            WriteFormattable(utf8, Convert.ToUInt64(value, CultureInfo.InvariantCulture), default);
        }
        else
        {
            WriteFormattable(utf8, Convert.ToInt64(value, CultureInfo.InvariantCulture), default);
        }
    }

    /// <summary>
    /// Writes a string literal that means the same with and without NO_BACKSLASH_ESCAPES, so that a
    /// sql_mode change anywhere (even earlier in the same batch) cannot turn data into SQL: quotes are
    /// doubled, which both modes read the same way; a string holding a backslash or NUL, which have no
    /// spelling valid in both modes, is sent as a hex literal of its UTF-8 bytes with a utf8mb4 introducer.
    /// </summary>
    private static void WriteQuoted(IBufferWriter<byte> utf8, ReadOnlySpan<char> text)
    {
        if (text.IndexOfAny('\\', '\0') >= 0)
        {
            WriteAscii(utf8, "_utf8mb4 "u8);
            var encoded = new ArrayBufferWriter<byte>(text.Length + 16);
            Transcode(encoded, text);
            WriteHex(utf8, encoded.WrittenSpan);
            return;
        }

        WriteAscii(utf8, "'"u8);
        while (!text.IsEmpty)
        {
            var quote = text.IndexOf('\'');
            if (quote < 0)
            {
                Transcode(utf8, text);
                break;
            }

            Transcode(utf8, text[..quote]);
            WriteAscii(utf8, "''"u8);
            text = text[(quote + 1)..];
        }

        WriteAscii(utf8, "'"u8);
    }

    private static void Transcode(IBufferWriter<byte> utf8, ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            // Three bytes per char bounds the output; a pair takes four bytes for two chars.
            var destination = utf8.GetSpan(Math.Min(text.Length * 3, ChunkBytes));
            var status = Utf8.FromUtf16(text, destination, out var read, out var written, replaceInvalidSequences: false, isFinalBlock: true);
            if (status == OperationStatus.InvalidData)
            {
                throw MySqlException.InvalidValue(string.Create(CultureInfo.InvariantCulture,
                    $"A string parameter contains an unpaired UTF-16 surrogate (U+{(int)text[read]:X4}) and cannot be sent as UTF-8."));
            }
            utf8.Advance(written);
            text = text[read..];
        }
    }

    private static void WriteHex(IBufferWriter<byte> utf8, ReadOnlySpan<byte> bytes)
    {
        WriteAscii(utf8, "X'"u8);
        var digits = HexDigits;
        while (!bytes.IsEmpty)
        {
            var destination = utf8.GetSpan(Math.Min(bytes.Length * 2, ChunkBytes));
            var count = Math.Min(bytes.Length, destination.Length / 2);
            for (var i = 0; i < count; i++)
            {
                var b = bytes[i];
                destination[2 * i] = digits[b >> 4];
                destination[(2 * i) + 1] = digits[b & 0xF];
            }
            utf8.Advance(count * 2);
            bytes = bytes[count..];
        }
        WriteAscii(utf8, "'"u8);
    }

    private static void WriteDateTime(IBufferWriter<byte> utf8, DateTime value)
    {
        var d = utf8.GetSpan(28);
        d[0] = (byte)'\'';
        WriteDigits(d, 1, value.Year, 4);
        d[5] = (byte)'-';
        WriteDigits(d, 6, value.Month, 2);
        d[8] = (byte)'-';
        WriteDigits(d, 9, value.Day, 2);
        d[11] = (byte)' ';
        WriteClock(d, 12, value.Hour, value.Minute, value.Second, (int)(value.Ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond));
        d[27] = (byte)'\'';
        utf8.Advance(28);
    }

    // TIME literals take total hours, so a span of days (or a negative one) round-trips up to ±838:59:59.
    private static void WriteTimeSpan(IBufferWriter<byte> utf8, TimeSpan value)
    {
        var ticks = value.Ticks;
        var magnitude = ticks < 0 ? 0UL - (ulong)ticks : (ulong)ticks;
        var hours = magnitude / TimeSpan.TicksPerHour;
        var hourDigits = 1;
        for (var rest = hours / 10; rest != 0; rest /= 10)
        {
            hourDigits++;
        }
        // Quote, sign, hours, ":mm:ss.ffffff", quote.
        var length = 1 + (ticks < 0 ? 1 : 0) + hourDigits + 13 + 1;
        var d = utf8.GetSpan(length);
        var at = 0;
        d[at++] = (byte)'\'';
        if (ticks < 0)
        {
            d[at++] = (byte)'-';
        }
        for (var i = at + hourDigits - 1; i >= at; i--)
        {
            d[i] = (byte)('0' + (hours % 10));
            hours /= 10;
        }
        at += hourDigits;
        var withinHour = magnitude % TimeSpan.TicksPerHour;
        var minutes = (int)(withinHour / TimeSpan.TicksPerMinute);
        var seconds = (int)(withinHour % TimeSpan.TicksPerMinute / TimeSpan.TicksPerSecond);
        var microseconds = (int)(withinHour % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond);
        d[at] = (byte)':';
        WriteDigits(d, at + 1, minutes, 2);
        d[at + 3] = (byte)':';
        WriteDigits(d, at + 4, seconds, 2);
        d[at + 6] = (byte)'.';
        WriteDigits(d, at + 7, microseconds, 6);
        d[at + 13] = (byte)'\'';
        utf8.Advance(at + 14);
    }

    /// <summary>Writes HH:mm:ss.ffffff (15 bytes).</summary>
    private static void WriteClock(Span<byte> d, int at, int hour, int minute, int second, int microsecond)
    {
        WriteDigits(d, at, hour, 2);
        d[at + 2] = (byte)':';
        WriteDigits(d, at + 3, minute, 2);
        d[at + 5] = (byte)':';
        WriteDigits(d, at + 6, second, 2);
        d[at + 8] = (byte)'.';
        WriteDigits(d, at + 9, microsecond, 6);
    }

    private static void WriteDigits(Span<byte> d, int at, int value, int width)
    {
        for (var i = at + width - 1; i >= at; i--)
        {
            d[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
