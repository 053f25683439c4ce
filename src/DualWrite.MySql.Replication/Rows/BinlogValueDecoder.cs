using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Replication;
using DualWrite.MySql.Values;

namespace DualWrite.MySql.Replication.Rows;

/// <summary>
/// Decodes one non-NULL value of a row image (the binary row format of rows events) to the CLR type
/// <see cref="MySqlValuePolicy"/> gives the column's kind, the same that <see cref="MySqlColumnReader"/> reads from a
/// SELECT, so a change-data value compares equal to a queried one.
/// </summary>
/// <remarks>
/// https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Rows__event.html
/// <para>
/// Integers by width and signedness; YEAR as <see cref="short"/>; DECIMAL as <see cref="decimal"/> up to precision 28
/// and <see cref="ExactDecimal"/> beyond; DATE, DATETIME as <see cref="DateTime"/> (Unspecified) and TIMESTAMP as
/// <see cref="DateTime"/> (Utc), each as MySqlConnector's MySqlDateTime when <see cref="DateTime"/> cannot hold it; TIME
/// as <see cref="TimeSpan"/>; BIT as <see cref="ulong"/>; character strings, ENUM, SET and JSON as
/// <see cref="string"/>; binary strings, GEOMETRY and VECTOR as byte arrays.
/// </para>
/// </remarks>
internal static class BinlogValueDecoder
{
    /// <summary>MariaDB's binlog type of a BLOB/TEXT COMPRESSED column (MYSQL_TYPE_BLOB_COMPRESSED).</summary>
    public const MySqlColumnType MariaDbBlobCompressed = (MySqlColumnType)140;

    /// <summary>MariaDB's binlog type of a VARCHAR/VARBINARY COMPRESSED column (MYSQL_TYPE_VARCHAR_COMPRESSED).</summary>
    public const MySqlColumnType MariaDbVarCharCompressed = (MySqlColumnType)141;

    // zlib cannot expand data by more than about 1032:1, so a larger claimed size is corrupt.
    private const int MaxInflateRatio = 1100;
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    // Bytes used by a group of 0-9 decimal digits in the binary DECIMAL format.
    private static ReadOnlySpan<byte> DigitBytes => [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

    /// <summary>
    /// Decodes the value of <paramref name="column"/> at <paramref name="offset"/> and advances past it.
    /// </summary>
    /// <exception cref="BinlogException">BinlogCorrupt for malformed or truncated bytes, BinlogUnsupported for a type or
    /// character set this reader cannot decode.</exception>
    public static object Decode(ReadOnlySpan<byte> data, ref int offset, TableMap table, TableMapColumn column)
    {
        try
        {
            return DecodeValue(data, ref offset, table, column);
        }
        catch (BinlogException e) when (e.Kind == BinlogErrorKind.BinlogCorrupt)
        {
            // Name the column only on failure, so the hot path builds no strings.
            throw BinlogException.BinlogCorrupt($"{Describe(table, column)}: {e.Message}", e);
        }
    }

    private static object DecodeValue(ReadOnlySpan<byte> data, ref int offset, TableMap table, TableMapColumn column)
    {
        const string what = "the value";
        var unsigned = column.IsUnsigned;
        switch (column.Type)
        {
            case MySqlColumnType.Tiny:
            {
                var b = RowBytes.U8(data, ref offset, what);
                return unsigned ? b : (object)unchecked((sbyte)b);
            }
            case MySqlColumnType.Short:
            {
                var v = RowBytes.U16(data, ref offset, what);
                return unsigned ? v : (object)unchecked((short)v);
            }
            case MySqlColumnType.Int24:
            {
                var v = (uint)RowBytes.UIntLittleEndian(data, ref offset, 3, what);
                return unsigned ? v : (object)((int)(v << 8) >> 8);
            }
            case MySqlColumnType.Long:
            {
                var v = RowBytes.U32(data, ref offset, what);
                return unsigned ? v : (object)unchecked((int)v);
            }
            case MySqlColumnType.LongLong:
            {
                var v = RowBytes.UIntLittleEndian(data, ref offset, 8, what);
                return unsigned ? v : (object)unchecked((long)v);
            }
            case MySqlColumnType.Float:
                return FloatAsServerPrints(BinaryPrimitives.ReadSingleLittleEndian(RowBytes.Take(data, ref offset, 4, what)));
            case MySqlColumnType.Double:
                return BinaryPrimitives.ReadDoubleLittleEndian(RowBytes.Take(data, ref offset, 8, what));
            case MySqlColumnType.NewDecimal:
                return DecodeDecimal(data, ref offset, column.Metadata >> 8, column.Metadata & 0xFF, what);
            case MySqlColumnType.Year:
            {
                var b = RowBytes.U8(data, ref offset, what);
                return b == 0 ? (short)0 : (short)(1900 + b);
            }
            case MySqlColumnType.Date:
            case MySqlColumnType.NewDate:
            {
                // 3 bytes: day in bits 0-4, month in bits 5-8, year above.
                var v = (uint)RowBytes.UIntLittleEndian(data, ref offset, 3, what);
                return DateValue((int)(v >> 9), (int)((v >> 5) & 15), (int)(v & 31), 0, 0, 0, 0, what);
            }
            case MySqlColumnType.DateTime:
                return DecodeOldDateTime(RowBytes.UIntLittleEndian(data, ref offset, 8, what), what);
            case MySqlColumnType.DateTime2:
                return DecodeDateTime2(data, ref offset, Fsp(column, what), what);
            case MySqlColumnType.Timestamp:
                return TimestampValue(RowBytes.U32(data, ref offset, what), 0);
            case MySqlColumnType.Timestamp2:
            {
                var seconds = BinaryPrimitives.ReadUInt32BigEndian(RowBytes.Take(data, ref offset, 4, what));
                return TimestampValue(seconds, ReadFraction(data, ref offset, Fsp(column, what), what));
            }
            case MySqlColumnType.Time:
                return DecodeOldTime(RowBytes.UIntLittleEndian(data, ref offset, 3, what), what);
            case MySqlColumnType.Time2:
                return DecodeTime2(data, ref offset, Fsp(column, what), what);
            case MySqlColumnType.Bit:
            {
                var length = (column.Metadata >> 8) + ((column.Metadata & 0xFF) > 0 ? 1 : 0);
                if (length is < 1 or > 8)
                {
                    throw Corrupt(what, $"BIT metadata 0x{column.Metadata:X4} gives {length} bytes; a BIT value has 1 to 8.");
                }
                return RowBytes.UIntBigEndian(RowBytes.Take(data, ref offset, length, what));
            }
            case MySqlColumnType.VarChar:
            case MySqlColumnType.VarString:
            {
                var length = column.Metadata < 256 ? RowBytes.U8(data, ref offset, what) : RowBytes.U16(data, ref offset, what);
                return StringOrBytes(RowBytes.Take(data, ref offset, length, what), column, table, padTo: 0);
            }
            case MySqlColumnType.String:
            {
                var length = column.Metadata > 255 ? RowBytes.U16(data, ref offset, what) : RowBytes.U8(data, ref offset, what);
                // The binlog drops a BINARY(n) value's trailing zero bytes; SELECT returns all n.
                return StringOrBytes(RowBytes.Take(data, ref offset, length, what), column, table, padTo: column.Metadata);
            }
            case MySqlColumnType.Enum:
                return DecodeEnum(data, ref offset, table, column, what);
            case MySqlColumnType.Set:
                return DecodeSet(data, ref offset, table, column, what);
            case MySqlColumnType.TinyBlob:
            case MySqlColumnType.Blob:
            case MySqlColumnType.MediumBlob:
            case MySqlColumnType.LongBlob:
            {
                var value = ReadBlob(data, ref offset, column, what);
                return column.CollationId is -1 or CharacterSets.BinaryCollationId
                    ? value.ToArray()
                    : DecodeCharacters(value, column, table);
            }
            case MariaDbBlobCompressed:
            {
                var value = Decompress(ReadBlob(data, ref offset, column, what), table, column, what);
                return column.CollationId is -1 or CharacterSets.BinaryCollationId ? value : DecodeCharacters(value, column, table);
            }
            case MariaDbVarCharCompressed:
            {
                var length = column.Metadata < 256 ? RowBytes.U8(data, ref offset, what) : RowBytes.U16(data, ref offset, what);
                var value = Decompress(RowBytes.Take(data, ref offset, length, what), table, column, what);
                return column.CollationId == CharacterSets.BinaryCollationId ? value : DecodeCharacters(value, column, table);
            }
            case MySqlColumnType.Geometry:
            case MySqlColumnType.Vector:
                return ReadBlob(data, ref offset, column, what).ToArray();
            case MySqlColumnType.Json:
                return MySqlJsonBinary.ToJson(ReadBlob(data, ref offset, column, what), what);
            default:
                throw BinlogException.BinlogUnsupported(string.Create(CultureInfo.InvariantCulture,
                    $"Cannot decode {Describe(table, column)}: column type {(int)column.Type} ({column.Type}) is not supported in row events."));
        }
    }

    /// <summary>Decodes text in the collation's character set; UTF-8 when the collation is unknown or unsupported.</summary>
    public static string DecodeText(ReadOnlySpan<byte> value, int collationId)
    {
        if (collationId < 0 || !CharacterSets.TryGetEncoding(collationId, out var encoding) || CharacterSets.IsUtf8(collationId))
        {
            return Utf8.GetString(value);
        }
        return ReferenceEquals(encoding, MySqlLatin1Encoding.Instance) ? MySqlLatin1Encoding.Decode(value) : encoding.GetString(value);
    }

    /// <summary>
    /// Reads a binary DECIMAL(<paramref name="precision"/>, <paramref name="scale"/>) (decimal2bin) as text with exactly
    /// <paramref name="scale"/> fraction digits: 9-digit groups in 4 big-endian bytes, shorter groups in fewer bytes,
    /// the sign in the inverted top bit, and every byte inverted for negative values.
    /// </summary>
    /// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/decimal_8h.html (decimal2bin)</remarks>
    public static string ReadDecimalText(ReadOnlySpan<byte> data, ref int offset, int precision, int scale, string what)
    {
        if (precision is < 1 or > ExactDecimal.MaxPrecision || scale > 30 || scale > precision)
        {
            throw Corrupt(what, $"DECIMAL({precision},{scale}) is not a valid precision and scale.");
        }
        var integerDigits = precision - scale;
        int intWords = integerDigits / 9, intRest = integerDigits % 9, fracWords = scale / 9, fracRest = scale % 9;
        var size = (intWords * 4) + DigitBytes[intRest] + (fracWords * 4) + DigitBytes[fracRest];
        Span<byte> bytes = stackalloc byte[size];
        RowBytes.Take(data, ref offset, size, what).CopyTo(bytes);
        var negative = (bytes[0] & 0x80) == 0;
        bytes[0] ^= 0x80;
        if (negative)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] ^= 0xFF;
            }
        }

        var text = new StringBuilder(precision + 3);
        var position = 0;
        if (intRest > 0)
        {
            AppendGroup(text, bytes, ref position, intRest, what);
        }
        for (var i = 0; i < intWords; i++)
        {
            AppendGroup(text, bytes, ref position, 9, what);
        }
        var leadingZeros = 0;
        while (leadingZeros < text.Length - 1 && text[leadingZeros] == '0')
        {
            leadingZeros++;
        }
        text.Remove(0, leadingZeros);
        if (text.Length == 0)
        {
            text.Append('0');
        }
        if (scale > 0)
        {
            text.Append('.');
            for (var i = 0; i < fracWords; i++)
            {
                AppendGroup(text, bytes, ref position, 9, what);
            }
            if (fracRest > 0)
            {
                AppendGroup(text, bytes, ref position, fracRest, what);
            }
        }
        if (negative)
        {
            text.Insert(0, '-');
        }
        return text.ToString();
    }

    /// <summary>Turns DECIMAL text into the type the value policy gives that precision.</summary>
    public static object DecimalValue(string text, int precision, string what)
    {
        if (MySqlValuePolicy.Decimal(precision) == MySqlValueKind.Decimal)
        {
            return ExactDecimal.TryParseExactDecimal(text.AsSpan(), out var value, out _)
                ? value
                : throw Corrupt(what, $"DECIMAL value {text} does not fit its precision {precision}.");
        }
        return ExactDecimal.TryParse(text.AsSpan(), out var exact) ? exact : throw Corrupt(what, $"DECIMAL value {text} is not valid.");
    }

    /// <summary>A DATE or DATETIME value (<see cref="MySqlTemporal"/>): <see cref="DateTime"/> (Unspecified) when it can hold it, else MySqlConnector's MySqlDateTime.</summary>
    public static object DateValue(int year, int month, int day, int hour, int minute, int second, int microsecond, string what)
    {
        if (year > 9999 || month > 12 || day > 31 || hour > 23 || minute > 59 || second > 59 || microsecond is < 0 or > 999_999)
        {
            throw Corrupt(what, string.Create(CultureInfo.InvariantCulture,
                $"{year:D4}-{month:D2}-{day:D2} {hour:D2}:{minute:D2}:{second:D2}.{microsecond:D6} is not a valid date and time."));
        }

        return MySqlTemporal.Value(year, month, day, hour, minute, second, microsecond, MySqlValueKind.DateTime);
    }

    /// <summary>Splits a packed DATETIME integer part (year*13+month, day, hour, minute, second in 17+5+5+6+6 bits).</summary>
    /// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/my__time_8h.html (TIME_from_longlong_datetime_packed)</remarks>
    public static object DateTimeFromPackedParts(long ymdhms, int microsecond, string what)
    {
        var ymd = ymdhms >> 17;
        var ym = ymd >> 5;
        var hms = ymdhms & 0x1FFFF;
        return DateValue((int)(ym / 13), (int)(ym % 13), (int)(ymd & 31), (int)(hms >> 12), (int)((hms >> 6) & 63),
            (int)(hms & 63), microsecond, what);
    }

    /// <summary>A TIME from its sign, packed hour/minute/second (10+6+6 bits) and microseconds.</summary>
    public static TimeSpan TimeFromPackedParts(bool negative, long hms, long microsecond, string what)
    {
        long hour = (hms >> 12) & 1023, minute = (hms >> 6) & 63, second = hms & 63;
        if (minute > 59 || second > 59 || microsecond is < 0 or > 999_999)
        {
            throw Corrupt(what, string.Create(CultureInfo.InvariantCulture,
                $"{hour}:{minute:D2}:{second:D2}.{microsecond:D6} is not a valid time."));
        }
        var ticks = (hour * TimeSpan.TicksPerHour) + (minute * TimeSpan.TicksPerMinute) + (second * TimeSpan.TicksPerSecond)
            + (microsecond * TimeSpan.TicksPerMicrosecond);
        return new TimeSpan(negative ? -ticks : ticks);
    }

    private static void AppendGroup(StringBuilder text, ReadOnlySpan<byte> bytes, ref int position, int digits, string what)
    {
        var length = DigitBytes[digits];
        var value = RowBytes.UIntBigEndian(bytes.Slice(position, length));
        position += length;
        ulong limit = 1;
        for (var i = 0; i < digits; i++)
        {
            limit *= 10;
        }
        if (value >= limit)
        {
            throw Corrupt(what, $"a DECIMAL digit group holds {value}, more than {digits} digits.");
        }
        text.Append(value.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0'));
    }

    /// <summary>
    /// The FLOAT a SELECT returns for a stored FLOAT: servers print FLOAT with my_gcvt(MY_GCVT_ARG_FLOAT), which keeps at
    /// most FLT_DIG (6) significant digits rounded half to even (16777215 prints as 16777200), and the client parses that.
    /// </summary>
    /// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/dtoa_8cc.html (my_gcvt)</remarks>
    public static float FloatAsServerPrints(float value)
    {
        if (!float.IsFinite(value) || value == 0 || SignificantDigits(value.ToString("R", CultureInfo.InvariantCulture)) <= 6)
        {
            return value;
        }
        // The exact decimal expansion of the value (a float has at most 112 significant digits), then 6 digits half-even.
        var exact = ((double)value).ToString("E120", CultureInfo.InvariantCulture);
        var e = exact.IndexOf('E', StringComparison.Ordinal);
        var negative = exact[0] == '-';
        var mantissa = exact.AsSpan(negative ? 1 : 0, e - (negative ? 1 : 0));
        var digits = new StringBuilder(7);
        foreach (var c in mantissa)
        {
            if (c != '.')
            {
                digits.Append(c);
            }
        }
        var kept = long.Parse(digits.ToString(0, 6), CultureInfo.InvariantCulture);
        var next = digits[6] - '0';
        var restNonZero = false;
        for (var i = 7; i < digits.Length && !restNonZero; i++)
        {
            restNonZero = digits[i] != '0';
        }
        if (next > 5 || (next == 5 && (restNonZero || (kept & 1) == 1)))
        {
            kept++;
        }
        var exponent = int.Parse(exact.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) - 5;
        return float.Parse(string.Create(CultureInfo.InvariantCulture, $"{(negative ? "-" : string.Empty)}{kept}E{exponent}"),
            NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static int SignificantDigits(string roundTrip)
    {
        var count = 0;
        var leading = true;
        var trailingZeros = 0;
        foreach (var c in roundTrip)
        {
            if (c is 'E' or 'e')
            {
                break;
            }
            if (c is < '0' or > '9' || (leading && c == '0'))
            {
                continue;
            }
            leading = false;
            count++;
            trailingZeros = c == '0' ? trailingZeros + 1 : 0;
        }
        return count - trailingZeros;
    }

    private static object DecodeDecimal(ReadOnlySpan<byte> data, ref int offset, int precision, int scale, string what) =>
        DecimalValue(ReadDecimalText(data, ref offset, precision, scale, what), precision, what);

    private static int Fsp(TableMapColumn column, string what) =>
        column.Metadata <= 6 ? column.Metadata : throw Corrupt(what, $"{column.Metadata} fractional digits; at most 6 are allowed.");

    // Fractional seconds of TIMESTAMP2/DATETIME2: 1, 2 or 3 big-endian bytes for 1-2, 3-4 or 5-6 digits.
    private static int ReadFraction(ReadOnlySpan<byte> data, ref int offset, int fsp, string what)
    {
        var (bytes, scale) = fsp switch
        {
            0 => (0, 0),
            1 or 2 => (1, 10_000),
            3 or 4 => (2, 100),
            _ => (3, 1),
        };
        if (bytes == 0)
        {
            return 0;
        }
        var value = (int)RowBytes.UIntBigEndian(RowBytes.Take(data, ref offset, bytes, what)) * scale;
        return value <= 999_999 ? value : throw Corrupt(what, $"fractional seconds {value} exceed 999999 microseconds.");
    }

    // DATETIME2: 5 big-endian bytes holding sign + packed parts offset by 0x8000000000, then the fraction.
    // https://dev.mysql.com/doc/dev/mysql-server/latest/my__time_8h.html (my_datetime_packed_from_binary)
    private static object DecodeDateTime2(ReadOnlySpan<byte> data, ref int offset, int fsp, string what)
    {
        var intPart = (long)RowBytes.UIntBigEndian(RowBytes.Take(data, ref offset, 5, what)) - 0x80_0000_0000L;
        var fraction = ReadFraction(data, ref offset, fsp, what);
        return intPart < 0 ? throw Corrupt(what, "a DATETIME2 value is negative.") : DateTimeFromPackedParts(intPart, fraction, what);
    }

    // Old DATETIME: the decimal number YYYYMMDDhhmmss in 8 little-endian bytes.
    private static object DecodeOldDateTime(ulong value, string what)
    {
        var date = value / 1_000_000;
        var time = value % 1_000_000;
        if (date > 99_991_231)
        {
            throw Corrupt(what, string.Create(CultureInfo.InvariantCulture, $"old DATETIME value {value} is out of range."));
        }
        return DateValue((int)(date / 10_000), (int)(date / 100 % 100), (int)(date % 100), (int)(time / 10_000),
            (int)(time / 100 % 100), (int)(time % 100), 0, what);
    }

    private static object TimestampValue(uint seconds, int microsecond) =>
        seconds == 0
            ? default(MySqlConnector.MySqlDateTime)
            : DateTime.UnixEpoch.AddSeconds(seconds).AddTicks(microsecond * TimeSpan.TicksPerMicrosecond);

    // Old TIME: the signed decimal number hhmmss in 3 little-endian bytes.
    private static TimeSpan DecodeOldTime(ulong raw, string what)
    {
        var value = (int)((uint)raw << 8) >> 8;
        var negative = value < 0;
        var magnitude = Math.Abs(value);
        long hour = magnitude / 10_000, minute = magnitude / 100 % 100, second = magnitude % 100;
        if (minute > 59 || second > 59)
        {
            throw Corrupt(what, string.Create(CultureInfo.InvariantCulture, $"old TIME value {value} is not a valid time."));
        }
        var ticks = (hour * TimeSpan.TicksPerHour) + (minute * TimeSpan.TicksPerMinute) + (second * TimeSpan.TicksPerSecond);
        return new TimeSpan(negative ? -ticks : ticks);
    }

    // TIME2: 3 big-endian bytes (sign + 10-bit hour, 6-bit minute, 6-bit second) offset by 0x800000, then a fraction
    // whose width depends on the digits; negative values store the fraction as its complement, borrowing a second.
    // https://dev.mysql.com/doc/dev/mysql-server/latest/my__time_8h.html (my_time_packed_from_binary)
    private static TimeSpan DecodeTime2(ReadOnlySpan<byte> data, ref int offset, int fsp, string what)
    {
        long packed;
        switch (fsp)
        {
            case 0:
                packed = ((long)RowBytes.UIntBigEndian(RowBytes.Take(data, ref offset, 3, what)) - 0x80_0000L) << 24;
                break;
            case 1:
            case 2:
            {
                var intPart = (long)RowBytes.UIntBigEndian(RowBytes.Take(data, ref offset, 3, what)) - 0x80_0000L;
                long fraction = RowBytes.U8(data, ref offset, what);
                if (intPart < 0 && fraction != 0)
                {
                    intPart++;
                    fraction -= 0x100;
                }
                packed = (intPart << 24) + (fraction * 10_000);
                break;
            }
            case 3:
            case 4:
            {
                var intPart = (long)RowBytes.UIntBigEndian(RowBytes.Take(data, ref offset, 3, what)) - 0x80_0000L;
                long fraction = BinaryPrimitives.ReadUInt16BigEndian(RowBytes.Take(data, ref offset, 2, what));
                if (intPart < 0 && fraction != 0)
                {
                    intPart++;
                    fraction -= 0x10000;
                }
                packed = (intPart << 24) + (fraction * 100);
                break;
            }
            default:
                packed = (long)RowBytes.UIntBigEndian(RowBytes.Take(data, ref offset, 6, what)) - 0x8000_0000_0000L;
                break;
        }
        var negative = packed < 0;
        var magnitude = Math.Abs(packed);
        return TimeFromPackedParts(negative, magnitude >> 24, magnitude & 0xFF_FFFF, what);
    }

    private static ReadOnlySpan<byte> ReadBlob(ReadOnlySpan<byte> data, ref int offset, TableMapColumn column, string what)
    {
        if (column.Metadata is < 1 or > 4)
        {
            throw Corrupt(what, $"{column.Metadata} length bytes; 1 to 4 are allowed.");
        }
        var length = RowBytes.UIntLittleEndian(data, ref offset, column.Metadata, what);
        return RowBytes.Take(data, ref offset, (long)length, what);
    }

    // MariaDB column compression: an empty value stays empty; otherwise a header byte whose high nibble is the method
    // (0 = stored as is, 8 = zlib), then for zlib the original length in (header & 7) big-endian bytes and the deflate
    // stream, raw when (header & 8) is set and zlib-wrapped otherwise.
    // https://mariadb.com/kb/en/storage-engine-independent-column-compression/
    private static byte[] Decompress(ReadOnlySpan<byte> stored, TableMap table, TableMapColumn column, string what)
    {
        if (stored.IsEmpty)
        {
            return [];
        }
        var header = stored[0];
        switch (header >> 4)
        {
            case 0:
                return stored[1..].ToArray();
            case 8:
                break;
            default:
                throw BinlogException.BinlogUnsupported(string.Create(CultureInfo.InvariantCulture,
                    $"Cannot decode {Describe(table, column)}: compression method {header >> 4} is not supported (only zlib is)."));
        }
        var offset = 1;
        var lengthBytes = header & 7;
        var originalLength = lengthBytes == 0 ? 0 : RowBytes.UIntBigEndian(RowBytes.Take(stored, ref offset, lengthBytes, what));
        var compressed = stored[offset..];
        if (originalLength > (ulong)compressed.Length * MaxInflateRatio || originalLength > int.MaxValue)
        {
            throw Corrupt(what, string.Create(CultureInfo.InvariantCulture,
                $"a compressed value of {compressed.Length} bytes claims to expand to {originalLength}."));
        }
        var result = new byte[(int)originalLength];
        try
        {
            using var input = new MemoryStream(compressed.ToArray(), writable: false);
            using Stream inflater = (header & 8) != 0
                ? new System.IO.Compression.DeflateStream(input, System.IO.Compression.CompressionMode.Decompress)
                : new System.IO.Compression.ZLibStream(input, System.IO.Compression.CompressionMode.Decompress);
            inflater.ReadExactly(result);
            if (inflater.ReadByte() >= 0)
            {
                throw Corrupt(what, "a compressed value expands past its stated length.");
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw BinlogException.BinlogCorrupt($"Malformed bytes in {what}: the compressed value does not inflate: {e.Message}", e);
        }
        return result;
    }

    private static object StringOrBytes(ReadOnlySpan<byte> value, TableMapColumn column, TableMap table, int padTo)
    {
        if (column.CollationId != CharacterSets.BinaryCollationId)
        {
            return DecodeCharacters(value, column, table);
        }
        if (value.Length >= padTo)
        {
            return value.ToArray();
        }
        var padded = new byte[padTo];
        value.CopyTo(padded);
        return padded;
    }

    private static string DecodeCharacters(ReadOnlySpan<byte> value, TableMapColumn column, TableMap table)
    {
        if (column.CollationId >= 0 && !CharacterSets.TryGetEncoding(column.CollationId, out _))
        {
            throw BinlogException.BinlogUnsupported(string.Create(CultureInfo.InvariantCulture,
                $"Cannot decode {Describe(table, column)}: collation id {column.CollationId} uses a character set this client does not support."));
        }
        return DecodeText(value, column.CollationId);
    }

    // ENUM: the 1-based member index in 1 or 2 bytes; 0 is the empty string stored for invalid values.
    private static string DecodeEnum(ReadOnlySpan<byte> data, ref int offset, TableMap table, TableMapColumn column, string what)
    {
        if (column.Metadata is < 1 or > 2)
        {
            throw Corrupt(what, $"ENUM storage size {column.Metadata}; 1 or 2 bytes are allowed.");
        }
        var index = (int)RowBytes.UIntLittleEndian(data, ref offset, column.Metadata, what);
        var names = column.EnumValues ?? throw MissingNames(table, column);
        if (index == 0)
        {
            return string.Empty;
        }
        return index <= names.Count
            ? names[index - 1]
            : throw Corrupt(what, string.Create(CultureInfo.InvariantCulture, $"ENUM index {index} is past the {names.Count} members."));
    }

    // SET: a bitmask of 1-8 bytes, bit i for member i; the text form joins the members in definition order.
    private static string DecodeSet(ReadOnlySpan<byte> data, ref int offset, TableMap table, TableMapColumn column, string what)
    {
        if (column.Metadata is < 1 or > 8)
        {
            throw Corrupt(what, $"SET storage size {column.Metadata}; 1 to 8 bytes are allowed.");
        }
        var bits = RowBytes.UIntLittleEndian(data, ref offset, column.Metadata, what);
        var names = column.SetValues ?? throw MissingNames(table, column);
        if (names.Count < 64 && bits >> names.Count != 0)
        {
            throw Corrupt(what, string.Create(CultureInfo.InvariantCulture, $"SET bitmask 0x{bits:X} has bits past the {names.Count} members."));
        }
        var text = new StringBuilder();
        for (var i = 0; i < Math.Min(names.Count, 64); i++)
        {
            if ((bits & (1UL << i)) != 0)
            {
                if (text.Length > 0)
                {
                    text.Append(',');
                }
                text.Append(names[i]);
            }
        }
        return text.ToString();
    }

    private static BinlogException MissingNames(TableMap table, TableMapColumn column) =>
        BinlogException.BinlogUnsupported(
            $"Cannot decode {Describe(table, column)}: the TABLE_MAP event carries no member names; set binlog_row_metadata=FULL on the server.");

    /// <summary>Names a column for error messages: table, column and type.</summary>
    public static string Describe(TableMap table, TableMapColumn column) =>
        string.Create(CultureInfo.InvariantCulture,
            $"column {(column.Name is null ? "#" + column.Ordinal.ToString(CultureInfo.InvariantCulture) : "`" + column.Name + "`")} ({column.Type}) of `{table.Schema}`.`{table.Table}`");

    private static BinlogException Corrupt(string what, string detail) =>
        BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture, $"Malformed bytes in {what}: {detail}"));
}
