using System.Globalization;
using System.Text;

namespace DualWrite.MySql.Protocol.Text;

/// <summary>
/// Decodes one non-NULL value of a text-protocol result row, which the server sends as the
/// value's textual form (BIT excepted: raw big-endian bytes), straight from its bytes.
/// </summary>
/// <remarks>
/// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset_row.html
/// <para>
/// <see cref="Decode"/> returns the type <see cref="GetFieldType"/> reports for the column, with
/// one documented exception: a DATE, DATETIME or TIMESTAMP value that <see cref="DateTime"/>
/// cannot hold (the zero date, a zero month or day, year 0, a day past the month's end) is
/// returned as <see cref="MySqlDateTime"/> rather than failing the whole row.
/// </para>
/// </remarks>
internal static class TextValueDecoder
{
    private const int MaxDecimalPrecision = 28;
    private const int PreviewBytes = 64;

    private enum Kind : byte
    {
        SByte,
        Byte,
        Int16,
        UInt16,
        Int32,
        UInt32,
        Int64,
        UInt64,
        Year,
        Single,
        Double,
        Decimal,
        MySqlDecimal,
        Date,
        DateTime,
        Time,
        Bit,
        Bytes,
        Text,
        Null,
    }

    private enum IntStatus : byte
    {
        Ok,
        Malformed,
        Overflow,
    }

    /// <summary>
    /// The CLR type <see cref="Decode"/> returns for the column: integers by width and signedness,
    /// YEAR as <see cref="short"/>, DECIMAL as <see cref="decimal"/> when its declared precision is at
    /// most 28 and <see cref="MySqlDecimal"/> otherwise, DATE/DATETIME/TIMESTAMP as
    /// <see cref="DateTime"/>, TIME as <see cref="TimeSpan"/>, BIT as <see cref="ulong"/>, binary
    /// strings and GEOMETRY as byte arrays, other strings (ENUM, SET, JSON included) as
    /// <see cref="string"/>.
    /// </summary>
    /// <exception cref="MySqlException">The column type is not supported.</exception>
    public static Type GetFieldType(ColumnDefinition c) => Classify(c) switch
    {
        Kind.SByte => typeof(sbyte),
        Kind.Byte => typeof(byte),
        Kind.Int16 or Kind.Year => typeof(short),
        Kind.UInt16 => typeof(ushort),
        Kind.Int32 => typeof(int),
        Kind.UInt32 => typeof(uint),
        Kind.Int64 => typeof(long),
        Kind.UInt64 or Kind.Bit => typeof(ulong),
        Kind.Single => typeof(float),
        Kind.Double => typeof(double),
        Kind.Decimal => typeof(decimal),
        Kind.MySqlDecimal => typeof(MySqlDecimal),
        Kind.Date or Kind.DateTime => typeof(DateTime),
        Kind.Time => typeof(TimeSpan),
        Kind.Bytes => typeof(byte[]),
        Kind.Text => typeof(string),
        _ => typeof(DBNull),
    };

    /// <summary>Decodes a value to the type <see cref="GetFieldType"/> reports (see the class remarks for zero dates).</summary>
    /// <exception cref="MySqlException">The bytes are not a valid value of the column's type, or the type is not supported.</exception>
    public static object Decode(ReadOnlySpan<byte> value, ColumnDefinition c)
    {
        switch (Classify(c))
        {
            case Kind.SByte:
                return (sbyte)ParseSignedColumn(value, c, sbyte.MinValue, sbyte.MaxValue);
            case Kind.Byte:
                return (byte)ParseUnsignedColumn(value, c, byte.MaxValue);
            case Kind.Int16:
                return (short)ParseSignedColumn(value, c, short.MinValue, short.MaxValue);
            case Kind.UInt16:
                return (ushort)ParseUnsignedColumn(value, c, ushort.MaxValue);
            case Kind.Int32:
                return (int)ParseSignedColumn(value, c, int.MinValue, int.MaxValue);
            case Kind.UInt32:
                return (uint)ParseUnsignedColumn(value, c, uint.MaxValue);
            case Kind.Int64:
                return ParseSignedColumn(value, c, long.MinValue, long.MaxValue);
            case Kind.UInt64:
                return ParseUnsignedColumn(value, c, ulong.MaxValue);
            case Kind.Year:
                return (short)ParseSignedColumn(value, c, 0, 9999);
            case Kind.Single:
                return ParseSingle(value, c);
            case Kind.Double:
                return ParseDouble(value, c);
            case Kind.Decimal:
                return MySqlDecimal.TryParseExactDecimal(value, out var d, out _) ? d : throw Malformed(value, c, "DECIMAL");
            case Kind.MySqlDecimal:
                return MySqlDecimal.TryParse(value, out var md) ? md : throw Malformed(value, c, "DECIMAL");
            case Kind.Date:
            case Kind.DateTime:
                if (!MySqlDateTime.TryParse(value, out var dt))
                {
                    throw Malformed(value, c, "date/time");
                }
                return dt.IsValidDateTime ? ToDateTime(dt) : dt;
            case Kind.Time:
                return TryParseTime(value, out var t) ? t : throw Malformed(value, c, "TIME");
            case Kind.Bit:
                return ParseBit(value, c);
            case Kind.Bytes:
                return value.ToArray();
            case Kind.Text:
                return DecodeText(value, c.CollationId);
            default:
                return DBNull.Value;
        }
    }

    /// <summary>Reads a signed integer; BIT values and integral DECIMAL values (such as SUM results) are accepted too.</summary>
    public static long ParseInt64(ReadOnlySpan<byte> value, ColumnDefinition c)
    {
        if (c.Type == MySqlColumnType.Bit)
        {
            var bits = ParseBit(value, c);
            return bits <= long.MaxValue ? (long)bits : throw OutOfRange(value, c, "Int64");
        }
        return TryParseInt64(value, out var result) switch
        {
            IntStatus.Ok => result,
            IntStatus.Overflow => throw OutOfRange(value, c, "Int64"),
            _ => (long)IntegralDecimal(value, c, "Int64", long.MinValue, long.MaxValue),
        };
    }

    /// <summary>Reads an unsigned integer; BIT values and integral DECIMAL values are accepted too.</summary>
    public static ulong ParseUInt64(ReadOnlySpan<byte> value, ColumnDefinition c)
    {
        if (c.Type == MySqlColumnType.Bit)
        {
            return ParseBit(value, c);
        }
        var negative = !value.IsEmpty && value[0] == '-';
        return TryParseUInt64(negative ? value[1..] : value, out var result) switch
        {
            IntStatus.Ok when !negative || result == 0 => result,
            IntStatus.Ok or IntStatus.Overflow => throw OutOfRange(value, c, "UInt64"),
            _ => (ulong)IntegralDecimal(value, c, "UInt64", ulong.MinValue, ulong.MaxValue),
        };
    }

    /// <summary>Reads a signed 32-bit integer.</summary>
    public static int ParseInt32(ReadOnlySpan<byte> value, ColumnDefinition c)
    {
        var result = ParseInt64(value, c);
        return result is >= int.MinValue and <= int.MaxValue ? (int)result : throw OutOfRange(value, c, "Int32");
    }

    /// <summary>Reads a <see cref="decimal"/> exactly, keeping the scale ("1.50" gives 1.50m).</summary>
    /// <exception cref="MySqlException">The value does not fit <see cref="decimal"/> exactly, or is not a number.</exception>
    public static decimal ParseDecimal(ReadOnlySpan<byte> value, ColumnDefinition c)
    {
        switch (c.Type)
        {
            case MySqlColumnType.Bit:
                return ParseBit(value, c);
            case MySqlColumnType.Float or MySqlColumnType.Double:
                // Floating-point text may use an exponent and is approximate anyway. A valid number
                // beyond decimal's range (1e300) is out of range, not malformed.
                if (decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var approximate))
                {
                    return approximate;
                }
                throw double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                    ? OutOfRange(value, c, "Decimal")
                    : NotA(value, c, "Decimal");
        }
        if (MySqlDecimal.TryParseExactDecimal(value, out var result, out var malformed))
        {
            return result;
        }
        throw malformed
            ? NotA(value, c, "Decimal")
            : MySqlException.InvalidValue(string.Create(CultureInfo.InvariantCulture,
                $"Column '{c.Name}' holds {Preview(value)}, which System.Decimal cannot represent exactly; read it as MySqlDecimal."));
    }

    /// <summary>Reads an exact <see cref="MySqlDecimal"/>.</summary>
    public static MySqlDecimal ParseMySqlDecimal(ReadOnlySpan<byte> value, ColumnDefinition c)
    {
        if (c.Type == MySqlColumnType.Bit)
        {
            return new MySqlDecimal(ParseBit(value, c));
        }
        if (MySqlDecimal.TryParse(value, out var result, out var malformed))
        {
            return result;
        }
        throw malformed ? NotA(value, c, "MySqlDecimal") : OutOfRange(value, c, "MySqlDecimal");
    }

    /// <summary>Reads a <see cref="double"/>.</summary>
    public static double ParseDouble(ReadOnlySpan<byte> value, ColumnDefinition c) =>
        c.Type == MySqlColumnType.Bit
            ? ParseBit(value, c)
            : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var result) ? result : throw NotA(value, c, "Double");

    /// <summary>Reads a <see cref="float"/>; a value beyond its range is an error rather than infinity.</summary>
    public static float ParseSingle(ReadOnlySpan<byte> value, ColumnDefinition c)
    {
        if (c.Type == MySqlColumnType.Bit)
        {
            return ParseBit(value, c);
        }
        if (!float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var result))
        {
            throw NotA(value, c, "Single");
        }
        return float.IsFinite(result) ? result : throw OutOfRange(value, c, "Single");
    }

    /// <summary>Reads a DATE, DATETIME or TIMESTAMP as a <see cref="DateTime"/> of kind Unspecified.</summary>
    /// <exception cref="MySqlException">The value is a zero or partial date; read it with <see cref="ParseMySqlDateTime"/>.</exception>
    public static DateTime ParseDateTime(ReadOnlySpan<byte> value, ColumnDefinition c)
    {
        var result = ParseMySqlDateTime(value, c);
        return result.IsValidDateTime
            ? ToDateTime(result)
            : throw MySqlException.InvalidValue(string.Create(CultureInfo.InvariantCulture,
                $"Column '{c.Name}' holds '{result}', which System.DateTime cannot represent; read it as MySqlDateTime."));
    }

    /// <summary>Reads a DATE, DATETIME or TIMESTAMP exactly, zero dates included.</summary>
    public static MySqlDateTime ParseMySqlDateTime(ReadOnlySpan<byte> value, ColumnDefinition c) =>
        MySqlDateTime.TryParse(value, out var result) ? result : throw NotA(value, c, "MySqlDateTime");

    /// <summary>Reads a TIME, which may be negative or longer than a day (up to ±838:59:59.999999).</summary>
    public static TimeSpan ParseTime(ReadOnlySpan<byte> value, ColumnDefinition c) =>
        TryParseTime(value, out var result) ? result : throw NotA(value, c, "TimeSpan");

    /// <summary>Reads a BIT(n) value, sent as ceil(n/8) big-endian bytes; other columns are read as unsigned integers.</summary>
    public static ulong ParseBit(ReadOnlySpan<byte> value, ColumnDefinition c)
    {
        if (c.Type != MySqlColumnType.Bit)
        {
            return ParseUInt64(value, c);
        }
        if (value.IsEmpty || value.Length > 8)
        {
            throw MySqlException.Protocol(string.Create(CultureInfo.InvariantCulture,
                $"Column '{c.Name}' (Bit) sent {value.Length} bytes; a BIT value has 1 to 8."));
        }
        ulong result = 0;
        foreach (var b in value)
        {
            result = (result << 8) | b;
        }
        return result;
    }

    /// <summary>
    /// Reads any column as text: strings in their collation's character set (binary ones as
    /// UTF-8), numbers and dates as the server printed them, BIT as its decimal value.
    /// </summary>
    public static string DecodeString(ReadOnlySpan<byte> value, ColumnDefinition c) =>
        c.Type == MySqlColumnType.Bit
            ? ParseBit(value, c).ToString(CultureInfo.InvariantCulture)
            : DecodeText(value, c.CollationId);

    private static Kind Classify(ColumnDefinition c)
    {
        var unsigned = c.IsUnsigned;
        switch (c.Type)
        {
            case MySqlColumnType.Tiny:
                return unsigned ? Kind.Byte : Kind.SByte;
            case MySqlColumnType.Short:
                return unsigned ? Kind.UInt16 : Kind.Int16;
            case MySqlColumnType.Int24:
            case MySqlColumnType.Long:
                return unsigned ? Kind.UInt32 : Kind.Int32;
            case MySqlColumnType.LongLong:
                return unsigned ? Kind.UInt64 : Kind.Int64;
            case MySqlColumnType.Year:
                return Kind.Year;
            case MySqlColumnType.Float:
                return Kind.Single;
            case MySqlColumnType.Double:
                return Kind.Double;
            case MySqlColumnType.Decimal:
            case MySqlColumnType.NewDecimal:
                // ColumnLength counts the digits plus the point (when scale > 0) and the sign (when signed).
                var precision = (long)c.ColumnLength - (c.Decimals > 0 ? 1 : 0) - (unsigned ? 0 : 1);
                return precision <= MaxDecimalPrecision ? Kind.Decimal : Kind.MySqlDecimal;
            case MySqlColumnType.Date:
            case MySqlColumnType.NewDate:
                return Kind.Date;
            case MySqlColumnType.DateTime:
            case MySqlColumnType.Timestamp:
            case MySqlColumnType.DateTime2:
            case MySqlColumnType.Timestamp2:
                return Kind.DateTime;
            case MySqlColumnType.Time:
            case MySqlColumnType.Time2:
                return Kind.Time;
            case MySqlColumnType.Bit:
                return Kind.Bit;
            case MySqlColumnType.Json:
            case MySqlColumnType.Enum:
            case MySqlColumnType.Set:
                return Kind.Text;
            case MySqlColumnType.VarChar:
            case MySqlColumnType.VarString:
            case MySqlColumnType.String:
            case MySqlColumnType.TinyBlob:
            case MySqlColumnType.MediumBlob:
            case MySqlColumnType.LongBlob:
            case MySqlColumnType.Blob:
                return (c.Flags & (ColumnFlags.Enum | ColumnFlags.Set)) != 0 || !c.IsBinary ? Kind.Text : Kind.Bytes;
            case MySqlColumnType.Geometry:
            case MySqlColumnType.Vector:
                return Kind.Bytes;
            case MySqlColumnType.Null:
                return Kind.Null;
            default:
                throw MySqlException.InvalidValue(string.Create(CultureInfo.InvariantCulture,
                    $"Column '{c.Name}' has column type {(int)c.Type} ({c.Type}), which this client cannot read."));
        }
    }

    private static string DecodeText(ReadOnlySpan<byte> value, int collationId)
    {
        // Binary-collated text is JSON (MySQL sends it as binary) or a number/date printed in ASCII.
        if (collationId == CharacterSets.BinaryCollationId || CharacterSets.IsUtf8(collationId))
        {
            return Encoding.UTF8.GetString(value);
        }
        var encoding = CharacterSets.GetEncoding(collationId);
        return ReferenceEquals(encoding, MySqlLatin1Encoding.Instance) ? MySqlLatin1Encoding.Decode(value) : encoding.GetString(value);
    }

    private static DateTime ToDateTime(MySqlDateTime v) =>
        new(v.Year, v.Month, v.Day, v.Hour, v.Minute, v.Second, v.Microsecond / 1000, v.Microsecond % 1000, DateTimeKind.Unspecified);

    private static long ParseSignedColumn(ReadOnlySpan<byte> value, ColumnDefinition c, long min, long max)
    {
        var status = TryParseInt64(value, out var result);
        return status == IntStatus.Ok && result >= min && result <= max ? result : throw Malformed(value, c, "integer");
    }

    private static ulong ParseUnsignedColumn(ReadOnlySpan<byte> value, ColumnDefinition c, ulong max)
    {
        var status = TryParseUInt64(value, out var result);
        return status == IntStatus.Ok && result <= max ? result : throw Malformed(value, c, "unsigned integer");
    }

    // ZEROFILL columns pad with leading zeros, so digit count alone cannot bound the value.
    private static IntStatus TryParseUInt64(ReadOnlySpan<byte> s, out ulong value)
    {
        const ulong Limit = ulong.MaxValue / 10;
        value = 0;
        if (s.IsEmpty)
        {
            return IntStatus.Malformed;
        }
        ulong result = 0;
        var overflow = false;
        foreach (var b in s)
        {
            var d = (uint)(b - '0');
            if (d > 9)
            {
                return IntStatus.Malformed;
            }
            if (result >= Limit && (result > Limit || d > ulong.MaxValue % 10))
            {
                overflow = true;
            }
            result = unchecked((result * 10) + d);
        }
        if (overflow)
        {
            return IntStatus.Overflow;
        }
        value = result;
        return IntStatus.Ok;
    }

    private static IntStatus TryParseInt64(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        var negative = !s.IsEmpty && s[0] == '-';
        var status = TryParseUInt64(negative ? s[1..] : s, out var magnitude);
        if (status != IntStatus.Ok)
        {
            return status;
        }
        if (magnitude > (negative ? 1UL << 63 : long.MaxValue))
        {
            return IntStatus.Overflow;
        }
        value = negative ? unchecked((long)(0UL - magnitude)) : (long)magnitude;
        return IntStatus.Ok;
    }

    // https://dev.mysql.com/doc/refman/8.4/en/time.html
    private static bool TryParseTime(ReadOnlySpan<byte> s, out TimeSpan value)
    {
        value = default;
        var negative = !s.IsEmpty && s[0] == '-';
        if (negative)
        {
            s = s[1..];
        }
        var colon = s.IndexOf((byte)':');
        if (colon is < 1 or > 7 || s.Length < colon + 6 || !MySqlDateTime.TryDigits(s, 0, colon, out var hours)
            || !MySqlDateTime.TryDigits(s, colon + 1, 2, out var minutes) || s[colon + 3] != ':'
            || !MySqlDateTime.TryDigits(s, colon + 4, 2, out var seconds) || minutes > 59 || seconds > 59)
        {
            return false;
        }
        var microseconds = 0;
        var rest = s[(colon + 6)..];
        if (!rest.IsEmpty && (rest[0] != '.' || !MySqlDateTime.TryFraction(rest[1..], out microseconds)))
        {
            return false;
        }
        var ticks = (hours * TimeSpan.TicksPerHour) + (minutes * TimeSpan.TicksPerMinute)
            + (seconds * TimeSpan.TicksPerSecond) + (microseconds * TimeSpan.TicksPerMicrosecond);
        value = new TimeSpan(negative ? -ticks : ticks);
        return true;
    }

    private static decimal IntegralDecimal(ReadOnlySpan<byte> value, ColumnDefinition c, string target, decimal min, decimal max)
    {
        if (!MySqlDecimal.TryParseExactDecimal(value, out var d, out _) || d != decimal.Truncate(d))
        {
            throw NotA(value, c, target);
        }
        return d >= min && d <= max ? d : throw OutOfRange(value, c, target);
    }

    private static bool IsInteger(MySqlColumnType type) => type is MySqlColumnType.Tiny or MySqlColumnType.Short
        or MySqlColumnType.Int24 or MySqlColumnType.Long or MySqlColumnType.LongLong or MySqlColumnType.Year;

    /// <summary>The server sent bytes its own column type does not allow.</summary>
    private static MySqlException Malformed(ReadOnlySpan<byte> value, ColumnDefinition c, string expected) =>
        MySqlException.Protocol(string.Create(CultureInfo.InvariantCulture,
            $"Column '{c.Name}' ({c.Type}) sent {Preview(value)}, which is not a valid {expected} value."));

    /// <summary>
    /// The value cannot be read as the requested type: a protocol error when the column's own type
    /// promises text of that form (an INT column sending letters), otherwise a type mismatch.
    /// </summary>
    private static MySqlException NotA(ReadOnlySpan<byte> value, ColumnDefinition c, string target)
    {
        var promised = target switch
        {
            "Int64" or "UInt64" => IsInteger(c.Type),
            "MySqlDecimal" => IsInteger(c.Type) || c.Type is MySqlColumnType.Decimal or MySqlColumnType.NewDecimal,
            "Decimal" or "Double" or "Single" => IsInteger(c.Type) || c.Type is MySqlColumnType.Decimal
                or MySqlColumnType.NewDecimal or MySqlColumnType.Float or MySqlColumnType.Double,
            "MySqlDateTime" => c.Type is MySqlColumnType.Date or MySqlColumnType.NewDate or MySqlColumnType.DateTime
                or MySqlColumnType.Timestamp or MySqlColumnType.DateTime2 or MySqlColumnType.Timestamp2,
            "TimeSpan" => c.Type is MySqlColumnType.Time or MySqlColumnType.Time2,
            _ => false,
        };
        return promised
            ? Malformed(value, c, target)
            : MySqlException.InvalidValue(string.Create(CultureInfo.InvariantCulture,
                $"Column '{c.Name}' ({c.Type}) holds {Preview(value)}, which cannot be read as {target}."));
    }

    private static MySqlException OutOfRange(ReadOnlySpan<byte> value, ColumnDefinition c, string target) =>
        MySqlException.InvalidValue(string.Create(CultureInfo.InvariantCulture,
            $"Column '{c.Name}' ({c.Type}) holds {Preview(value)}, which is outside the range of {target}."));

    private static string Preview(ReadOnlySpan<byte> value) =>
        value.Length <= PreviewBytes
            ? "'" + Encoding.Latin1.GetString(value) + "'"
            : "'" + Encoding.Latin1.GetString(value[..PreviewBytes]) + "…' (" + value.Length.ToString(CultureInfo.InvariantCulture) + " bytes)";
}
