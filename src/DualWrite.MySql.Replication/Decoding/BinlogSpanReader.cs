using System.Buffers.Binary;
using System.Text;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Decoding;

/// <summary>
/// Reads the integer and string encodings of binlog events from a span; every overrun is a
/// <see cref="BinlogErrorKind.BinlogCorrupt"/> error naming what was being read.
/// </summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_data_types.html</remarks>
internal ref struct BinlogSpanReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _what;
    private int _offset;

    /// <param name="data">The bytes to read.</param>
    /// <param name="what">What is being read, for error messages (e.g. "QUERY_EVENT").</param>
    public BinlogSpanReader(ReadOnlySpan<byte> data, string what)
    {
        _data = data;
        _what = what;
        _offset = 0;
    }

    public readonly int Offset => _offset;

    public readonly int Remaining => _data.Length - _offset;

    public readonly bool HasMore => _offset < _data.Length;

    public byte ReadByte() => Take(1, "a byte")[0];

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, "a 2-byte integer"));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, "a 4-byte integer"));

    public ulong ReadUInt48()
    {
        var s = Take(6, "a 6-byte integer");
        return BinaryPrimitives.ReadUInt32LittleEndian(s) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(s[4..]) << 32);
    }

    public ulong ReadUInt56()
    {
        var s = Take(7, "a 7-byte integer");
        return BinaryPrimitives.ReadUInt32LittleEndian(s)
            | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(s[4..]) << 32)
            | ((ulong)s[6] << 48);
    }

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, "an 8-byte integer"));

    /// <summary>A length-encoded integer (net_field_length); the NULL marker 0xFB is malformed here.</summary>
    public ulong ReadPackedInteger()
    {
        var first = ReadByte();
        return first switch
        {
            < 0xFB => first,
            0xFC => ReadUInt16(),
            0xFD => ReadUInt24(),
            0xFE => ReadUInt64(),
            _ => throw Corrupt($"invalid length-encoded integer prefix 0x{first:X2} at offset {_offset - 1}"),
        };
    }

    /// <summary>A length-encoded integer that must fit a length in this event.</summary>
    public int ReadPackedLength(string field)
    {
        var value = ReadPackedInteger();
        if (value > (ulong)Remaining)
        {
            throw Corrupt($"{field} {value} exceeds the {Remaining} byte(s) left");
        }

        return (int)value;
    }

    /// <summary>
    /// An unsigned variable-length integer of the MySQL serialization library: the count of trailing one bits in
    /// the first byte, plus one, is the number of bytes; nine bytes when the first byte is 0xFF.
    /// </summary>
    /// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/PageLibsMysqlSerialization.html</remarks>
    public ulong ReadVarLenUnsigned()
    {
        var first = _data.Length > _offset ? _data[_offset] : throw Corrupt($"truncated at offset {_offset} reading a variable-length integer");
        var trailingOnes = System.Numerics.BitOperations.TrailingZeroCount(~(uint)first);
        if (trailingOnes >= 8)
        {
            _offset++;
            return ReadUInt64();
        }

        var size = trailingOnes + 1;
        var bytes = Take(size, "a variable-length integer");
        ulong raw = 0;
        for (var i = size - 1; i >= 0; i--)
        {
            raw = (raw << 8) | bytes[i];
        }

        return raw >> size;
    }

    /// <summary>A signed variable-length integer of the serialization library: the lowest bit of the unsigned form is the sign.</summary>
    public long ReadVarLenSigned()
    {
        var raw = ReadVarLenUnsigned();
        var magnitude = (long)(raw >> 1);
        return (raw & 1) == 0 ? magnitude : -magnitude - 1;
    }

    public ReadOnlySpan<byte> ReadBytes(int count) => Take(count, $"{count} byte(s)");

    public ReadOnlySpan<byte> ReadRest()
    {
        var rest = _data[_offset..];
        _offset = _data.Length;
        return rest;
    }

    public void Skip(int count) => Take(count, $"{count} byte(s) to skip");

    public string ReadString(int count) => Decode(Take(count, $"a {count}-byte string"));

    public string ReadRestAsString() => Decode(ReadRest());

    /// <summary>Text fields are UTF-8 in practice; invalid sequences become U+FFFD rather than failing.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    public readonly BinlogException Corrupt(string detail) => BinlogException.BinlogCorrupt($"Malformed {_what}: {detail}.");

    private uint ReadUInt24()
    {
        var s = Take(3, "a 3-byte integer");
        return (uint)(s[0] | (s[1] << 8) | (s[2] << 16));
    }

    private ReadOnlySpan<byte> Take(int count, string item)
    {
        if (count < 0 || _data.Length - _offset < count)
        {
            throw Corrupt($"truncated at offset {_offset} of {_data.Length} reading {item}");
        }

        var s = _data.Slice(_offset, count);
        _offset += count;
        return s;
    }
}
