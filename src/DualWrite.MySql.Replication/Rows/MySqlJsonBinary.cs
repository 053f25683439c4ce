using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using DualWrite.MySql.Replication;
using DualWrite.MySql.Values;

namespace DualWrite.MySql.Replication.Rows;

/// <summary>
/// Converts MySQL's binary JSON (the storage and binlog format of JSON columns) to the JSON text MySQL itself prints
/// for the value, so it compares equal to <c>SELECT json_col</c>.
/// </summary>
/// <remarks>
/// https://dev.mysql.com/doc/dev/mysql-server/latest/json__binary_8h.html
/// <para>
/// A document is a type byte followed by the value. Objects and arrays come in a small form (2-byte counts, sizes and
/// offsets) and a large form (4-byte). Their header is the element count and the byte size, then for objects one key
/// entry (offset, 2-byte length) per member, then one value entry (type byte, offset or inlined value) per element;
/// offsets count from the start of the header. Literals and 16-bit integers are always inlined, 32-bit integers in
/// the large form. Strings and opaque values carry a variable-length size (7 bits per byte, low bits first).
/// Opaque values hold another MySQL type: DECIMAL prints as a number, DATE/TIME/DATETIME/TIMESTAMP as quoted strings
/// with six fractional digits (my_TIME_to_str), VAR_STRING as a string, anything else as "base64:typeN:...".
/// </para>
/// </remarks>
internal static class MySqlJsonBinary
{
    private const byte SmallObject = 0x00;
    private const byte LargeObject = 0x01;
    private const byte SmallArray = 0x02;
    private const byte LargeArray = 0x03;
    private const byte Literal = 0x04;
    private const byte Int16 = 0x05;
    private const byte UInt16 = 0x06;
    private const byte Int32 = 0x07;
    private const byte UInt32 = 0x08;
    private const byte Int64 = 0x09;
    private const byte UInt64 = 0x0A;
    private const byte Double = 0x0B;
    private const byte String = 0x0C;
    private const byte Opaque = 0x0F;

    // MySQL refuses documents nested deeper than 100 (JSON_DOCUMENT_MAX_DEPTH).
    private const int MaxDepth = 100;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Converts a binary JSON document to MySQL's text form. An empty value is JSON null, as MySQL reads it.</summary>
    /// <param name="document">The column value: a type byte followed by the value.</param>
    /// <param name="what">What is being decoded, for error messages.</param>
    /// <exception cref="BinlogException">The bytes are not valid binary JSON (BinlogCorrupt).</exception>
    public static string ToJson(ReadOnlySpan<byte> document, string what = "a JSON document")
    {
        if (document.IsEmpty)
        {
            return "null";
        }
        var state = new State(document.Length, what);
        var text = new StringBuilder(Math.Min(document.Length * 2, 1 << 16));
        WriteValue(text, document[0], document[1..], 0, state);
        return text.ToString();
    }

    private static void WriteValue(StringBuilder text, byte type, ReadOnlySpan<byte> data, int depth, State state)
    {
        if (--state.NodesLeft < 0 || text.Length > state.MaxChars)
        {
            throw state.Corrupt("the document expands far beyond its size, so its offsets must overlap.");
        }
        switch (type)
        {
            case SmallObject:
            case LargeObject:
            case SmallArray:
            case LargeArray:
                WriteContainer(text, type, data, depth + 1, state);
                break;
            case Literal:
                WriteLiteral(text, Need(data, 1, state)[0], state);
                break;
            case Int16:
                text.Append(BinaryPrimitives.ReadInt16LittleEndian(Need(data, 2, state)).ToString(CultureInfo.InvariantCulture));
                break;
            case UInt16:
                text.Append(BinaryPrimitives.ReadUInt16LittleEndian(Need(data, 2, state)).ToString(CultureInfo.InvariantCulture));
                break;
            case Int32:
                text.Append(BinaryPrimitives.ReadInt32LittleEndian(Need(data, 4, state)).ToString(CultureInfo.InvariantCulture));
                break;
            case UInt32:
                text.Append(BinaryPrimitives.ReadUInt32LittleEndian(Need(data, 4, state)).ToString(CultureInfo.InvariantCulture));
                break;
            case Int64:
                text.Append(BinaryPrimitives.ReadInt64LittleEndian(Need(data, 8, state)).ToString(CultureInfo.InvariantCulture));
                break;
            case UInt64:
                text.Append(BinaryPrimitives.ReadUInt64LittleEndian(Need(data, 8, state)).ToString(CultureInfo.InvariantCulture));
                break;
            case Double:
                MySqlJsonText.AppendDouble(text, BinaryPrimitives.ReadDoubleLittleEndian(Need(data, 8, state)));
                break;
            case String:
            {
                var offset = 0;
                var length = ReadVariableLength(data, ref offset, state);
                MySqlJsonText.AppendString(text, Utf8.GetString(Need(data[offset..], length, state)));
                break;
            }
            case Opaque:
            {
                var fieldType = Need(data, 1, state)[0];
                var offset = 1;
                var length = ReadVariableLength(data, ref offset, state);
                WriteOpaque(text, (MySqlColumnType)fieldType, Need(data[offset..], length, state), state);
                break;
            }
            default:
                throw state.Corrupt(string.Create(CultureInfo.InvariantCulture, $"unknown value type 0x{type:X2}."));
        }
    }

    private static void WriteLiteral(StringBuilder text, byte literal, State state) =>
        text.Append(literal switch
        {
            0 => "null",
            1 => "true",
            2 => "false",
            _ => throw state.Corrupt(string.Create(CultureInfo.InvariantCulture, $"unknown literal 0x{literal:X2}.")),
        });

    private static void WriteContainer(StringBuilder text, byte type, ReadOnlySpan<byte> data, int depth, State state)
    {
        if (depth > MaxDepth)
        {
            throw state.Corrupt(string.Create(CultureInfo.InvariantCulture, $"the document is nested deeper than {MaxDepth} levels."));
        }
        var large = (type & 1) != 0;
        var isObject = type < SmallArray;
        var width = large ? 4 : 2;
        var count = ReadOffset(data, 0, large, state);
        var size = ReadOffset(data, width, large, state);
        if (size > data.Length)
        {
            throw state.Corrupt(string.Create(CultureInfo.InvariantCulture, $"a container claims {size} bytes but only {data.Length} remain."));
        }
        var container = data[..(int)size];
        var keyEntries = 2L * width;
        var valueEntries = keyEntries + (isObject ? count * (width + 2L) : 0);
        var headerEnd = valueEntries + (count * (1L + width));
        if (headerEnd > container.Length)
        {
            throw state.Corrupt(string.Create(CultureInfo.InvariantCulture, $"a container of {size} bytes cannot hold {count} elements."));
        }

        text.Append(isObject ? '{' : '[');
        for (var i = 0; i < (int)count; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }
            if (isObject)
            {
                var entry = (int)(keyEntries + (i * (width + 2L)));
                var keyOffset = ReadOffset(container, entry, large, state);
                var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(container.Slice(entry + width, 2));
                if (keyOffset < headerEnd || keyOffset + keyLength > container.Length)
                {
                    throw state.Corrupt("an object key lies outside its object.");
                }
                MySqlJsonText.AppendString(text, Utf8.GetString(container.Slice((int)keyOffset, keyLength)));
                text.Append(": ");
            }
            var valueEntry = (int)(valueEntries + (i * (1L + width)));
            var valueType = container[valueEntry];
            var inline = container.Slice(valueEntry + 1, width);
            switch (valueType)
            {
                case Literal:
                    WriteLiteral(text, inline[0], state);
                    state.NodesLeft--;
                    continue;
                case Int16:
                case UInt16:
                    WriteValue(text, valueType, inline, depth, state);
                    continue;
                case Int32 when large:
                case UInt32 when large:
                    WriteValue(text, valueType, inline, depth, state);
                    continue;
            }
            var valueOffset = ReadOffset(container, valueEntry + 1, large, state);
            // Values lie past the entries, so every nested value is strictly smaller than its container.
            if (valueOffset < headerEnd || valueOffset >= container.Length)
            {
                throw state.Corrupt("a value offset points outside its container.");
            }
            WriteValue(text, valueType, container[(int)valueOffset..], depth, state);
        }
        text.Append(isObject ? '}' : ']');
    }

    // DECIMAL, DATE, TIME, DATETIME and TIMESTAMP print as MySQL prints those types; other types as base64.
    private static void WriteOpaque(StringBuilder text, MySqlColumnType fieldType, ReadOnlySpan<byte> value, State state)
    {
        switch (fieldType)
        {
            case MySqlColumnType.NewDecimal:
            {
                // Precision and scale bytes, then decimal2bin; the size must match exactly.
                var header = Need(value, 2, state);
                var offset = 2;
                var decimalText = BinlogValueDecoder.ReadDecimalText(value, ref offset, header[0], header[1], state.What);
                if (offset != value.Length)
                {
                    throw state.Corrupt("an opaque DECIMAL has trailing bytes.");
                }
                text.Append(decimalText);
                return;
            }
            case MySqlColumnType.Date:
            case MySqlColumnType.DateTime:
            case MySqlColumnType.Timestamp:
            case MySqlColumnType.Time:
                text.Append('"');
                AppendPackedTemporal(text, fieldType, BinaryPrimitives.ReadInt64LittleEndian(Need(value, 8, state)));
                text.Append('"');
                return;
            case MySqlColumnType.VarString:
                MySqlJsonText.AppendString(text, Utf8.GetString(value));
                return;
            default:
                MySqlJsonText.AppendString(text, string.Create(CultureInfo.InvariantCulture,
                    $"base64:type{(int)fieldType}:{Base64WithLineBreaks(value)}"));
                return;
        }
    }

    // my_TIME_to_str(t, 6) over the packed longlong form (TIME_to_longlong_packed): the integer part above bit 24,
    // microseconds below; DATE prints without a time, TIME with hours past 24, negative with a sign.
    // https://dev.mysql.com/doc/dev/mysql-server/latest/my__time_8h.html
    private static void AppendPackedTemporal(StringBuilder text, MySqlColumnType fieldType, long packed)
    {
        var negative = packed < 0;
        var magnitude = negative ? (ulong)(-(packed + 1)) + 1 : (ulong)packed;
        var microsecond = magnitude & 0xFF_FFFF;
        var intPart = magnitude >> 24;
        var inv = CultureInfo.InvariantCulture;
        if (fieldType == MySqlColumnType.Time)
        {
            var hms = intPart;
            text.Append(negative ? "-" : string.Empty)
                .Append(((hms >> 12) % (1 << 10)).ToString("D2", inv)).Append(':')
                .Append(((hms >> 6) % (1 << 6)).ToString("D2", inv)).Append(':')
                .Append((hms % (1 << 6)).ToString("D2", inv)).Append('.')
                .Append(microsecond.ToString("D6", inv));
            return;
        }
        var ymd = intPart >> 17;
        var ym = ymd >> 5;
        var hmsPart = intPart % (1 << 17);
        text.Append((ym / 13).ToString("D4", inv)).Append('-').Append((ym % 13).ToString("D2", inv)).Append('-')
            .Append((ymd % (1 << 5)).ToString("D2", inv));
        if (fieldType != MySqlColumnType.Date)
        {
            text.Append(' ').Append((hmsPart >> 12).ToString("D2", inv)).Append(':')
                .Append(((hmsPart >> 6) % (1 << 6)).ToString("D2", inv)).Append(':')
                .Append((hmsPart % (1 << 6)).ToString("D2", inv)).Append('.')
                .Append(microsecond.ToString("D6", inv));
        }
    }

    // MySQL's base64_encode() breaks the output with '\n' after every 76 characters.
    private static string Base64WithLineBreaks(ReadOnlySpan<byte> value)
    {
        var plain = Convert.ToBase64String(value);
        if (plain.Length <= 76)
        {
            return plain;
        }
        var text = new StringBuilder(plain.Length + (plain.Length / 76));
        for (var i = 0; i < plain.Length; i += 76)
        {
            if (i > 0)
            {
                text.Append('\n');
            }
            text.Append(plain.AsSpan(i, Math.Min(76, plain.Length - i)));
        }
        return text.ToString();
    }

    private static long ReadOffset(ReadOnlySpan<byte> data, int at, bool large, State state)
    {
        var span = Need(data[Math.Min(at, data.Length)..], large ? 4 : 2, state);
        return large ? BinaryPrimitives.ReadUInt32LittleEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);
    }

    // Lengths of strings and opaque values: up to 5 bytes of 7 bits each, lowest first; the top bit marks "more".
    private static int ReadVariableLength(ReadOnlySpan<byte> data, ref int offset, State state)
    {
        ulong length = 0;
        for (var i = 0; i < 5; i++)
        {
            var b = Need(data[Math.Min(offset, data.Length)..], 1, state)[0];
            offset++;
            length |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                return length <= int.MaxValue ? (int)length : throw state.Corrupt("a length exceeds 2 GB.");
            }
        }
        throw state.Corrupt("a variable-length size runs past 5 bytes.");
    }

    private static ReadOnlySpan<byte> Need(ReadOnlySpan<byte> data, int count, State state) =>
        count <= data.Length
            ? data[..count]
            : throw state.Corrupt(string.Create(CultureInfo.InvariantCulture, $"a value needs {count} bytes but only {data.Length} remain."));

    // Budgets that stop documents whose offsets point at shared or overlapping data from expanding without bound.
    private sealed class State(int documentLength, string what)
    {
        public int NodesLeft = (documentLength * 2) + 16;

        // Escaping (\u00xx), doubles and base64 expand at most about 6 chars per byte.
        public readonly long MaxChars = (documentLength * 8L) + 64;

        public string What => what;

        public BinlogException Corrupt(string detail) =>
            BinlogException.BinlogCorrupt($"Malformed binary JSON in {what}: {detail}");
    }
}
