using System.Buffers.Binary;
using System.Text;
using DualWrite.MySql.Values;

namespace DualWrite.MySql.Replication.Tests.Binlog.Rows;

/// <summary>Builds MySQL binary JSON for tests: a value is its type byte and its encoded bytes.</summary>
internal static class JsonBinaryBuilder
{
    public sealed record Value(byte Type, byte[] Bytes);

    public static byte[] Document(Value value) => [value.Type, .. value.Bytes];

    public static Value Null => new(0x04, [0x00]);

    public static Value True => new(0x04, [0x01]);

    public static Value False => new(0x04, [0x02]);

    public static Value Int16(short v) => new(0x05, Le(2, (ulong)v));

    public static Value UInt16(ushort v) => new(0x06, Le(2, v));

    public static Value Int32(int v) => new(0x07, Le(4, (ulong)v));

    public static Value UInt32(uint v) => new(0x08, Le(4, v));

    public static Value Int64(long v) => new(0x09, Le(8, (ulong)v));

    public static Value UInt64(ulong v) => new(0x0A, Le(8, v));

    public static Value Double(double v) => new(0x0B, Le(8, (ulong)BitConverter.DoubleToInt64Bits(v)));

    public static Value String(string s)
    {
        var utf8 = Encoding.UTF8.GetBytes(s);
        return new(0x0C, [.. VariableLength(utf8.Length), .. utf8]);
    }

    public static Value Opaque(MySqlColumnType type, byte[] data) => new(0x0F, [(byte)type, .. VariableLength(data.Length), .. data]);

    /// <summary>An opaque DATE/DATETIME/TIMESTAMP from its parts, as the packed longlong MySQL stores.</summary>
    public static Value Temporal(MySqlColumnType type, int year, int month, int day, int hour, int minute, int second, int microsecond)
    {
        var ymd = ((long)((year * 13) + month) << 5) | (long)day;
        var hms = ((long)hour << 12) | ((long)minute << 6) | (long)second;
        var packed = (((ymd << 17) | hms) << 24) + microsecond;
        return Opaque(type, Le(8, (ulong)packed));
    }

    /// <summary>An opaque TIME from its parts, as the packed longlong MySQL stores.</summary>
    public static Value Time(bool negative, int hours, int minutes, int seconds, int microsecond)
    {
        var packed = ((((long)hours << 12) | ((long)minutes << 6) | (long)seconds) << 24) + microsecond;
        return Opaque(MySqlColumnType.Time, Le(8, (ulong)(negative ? -packed : packed)));
    }

    public static Value Array(bool large, params Value[] items) => Container(large ? (byte)0x03 : (byte)0x02, large, null, items);

    public static Value Object(bool large, params (string Key, Value Value)[] members) =>
        Container(large ? (byte)0x01 : (byte)0x00, large, members.Select(m => m.Key).ToArray(), members.Select(m => m.Value).ToArray());

    public static byte[] VariableLength(int length)
    {
        var bytes = new List<byte>();
        var v = (uint)length;
        do
        {
            var b = (byte)(v & 0x7F);
            v >>= 7;
            bytes.Add(v != 0 ? (byte)(b | 0x80) : b);
        }
        while (v != 0);
        return [.. bytes];
    }

    private static bool Inlined(Value v, bool large) => v.Type is 0x04 or 0x05 or 0x06 || (large && v.Type is 0x07 or 0x08);

    private static Value Container(byte type, bool large, string[]? keys, Value[] values)
    {
        var width = large ? 4 : 2;
        var count = values.Length;
        var header = (2 * width) + (keys is null ? 0 : count * (width + 2)) + (count * (1 + width));
        var body = new List<byte>();
        var keyBytes = keys?.Select(Encoding.UTF8.GetBytes).ToArray() ?? [];
        var keyOffsets = new int[keyBytes.Length];
        var position = header;
        for (var i = 0; i < keyBytes.Length; i++)
        {
            keyOffsets[i] = position;
            position += keyBytes[i].Length;
            body.AddRange(keyBytes[i]);
        }
        var entries = new List<byte>();
        foreach (var v in values)
        {
            entries.Add(v.Type);
            if (Inlined(v, large))
            {
                var inline = new byte[width];
                v.Bytes.AsSpan(0, Math.Min(v.Bytes.Length, width)).CopyTo(inline);
                entries.AddRange(inline);
            }
            else
            {
                entries.AddRange(Le(width, (ulong)position));
                body.AddRange(v.Bytes);
                position += v.Bytes.Length;
            }
        }
        var result = new List<byte>();
        result.AddRange(Le(width, (ulong)count));
        result.AddRange(Le(width, (ulong)position));
        for (var i = 0; i < keyBytes.Length; i++)
        {
            result.AddRange(Le(width, (ulong)keyOffsets[i]));
            result.AddRange(Le(2, (ulong)keyBytes[i].Length));
        }
        result.AddRange(entries);
        result.AddRange(body);
        return new(type, [.. result]);
    }

    private static byte[] Le(int width, ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes[..width];
    }
}
