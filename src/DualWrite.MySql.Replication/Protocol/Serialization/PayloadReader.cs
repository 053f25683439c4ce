using System.Buffers.Binary;
using System.Text;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Protocol.Serialization;

/// <summary>Reads the basic data types of the protocol from one packet payload.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_data_types.html</remarks>
internal ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _payload;
    private int _offset;

    public PayloadReader(ReadOnlySpan<byte> payload)
    {
        _payload = payload;
        _offset = 0;
    }

    public int Offset
    {
        readonly get => _offset;
        set => _offset = value;
    }

    public readonly int Remaining => _payload.Length - _offset;

    public readonly bool HasMore => _offset < _payload.Length;

    public byte ReadByte() => Take(1)[0];

    public readonly byte PeekByte()
    {
        Require(1);
        return _payload[_offset];
    }

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint ReadUInt24()
    {
        var s = Take(3);
        return (uint)(s[0] | (s[1] << 8) | (s[2] << 16));
    }

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>Reads a length-encoded integer; 0xFB (NULL) is not valid here.</summary>
    public ulong ReadLengthEncodedInteger()
    {
        var first = ReadByte();
        return first switch
        {
            < 0xFB => first,
            0xFC => ReadUInt16(),
            0xFD => ReadUInt24(),
            0xFE => ReadUInt64(),
            _ => throw BinlogException.Protocol($"Invalid length-encoded integer prefix 0x{first:X2} at offset {_offset - 1}."),
        };
    }

    public int ReadLengthEncodedLength()
    {
        var value = ReadLengthEncodedInteger();
        if (value > int.MaxValue)
        {
            throw BinlogException.Protocol($"Length-encoded length {value} is larger than this client can hold.");
        }

        return (int)value;
    }

    public ReadOnlySpan<byte> ReadLengthEncodedBytes() => Take(ReadLengthEncodedLength());

    public string ReadLengthEncodedString(Encoding encoding) => encoding.GetString(ReadLengthEncodedBytes());

    public string ReadLengthEncodedString() => ReadLengthEncodedString(Encoding.UTF8);

    public ReadOnlySpan<byte> ReadNullTerminatedBytes()
    {
        var rest = _payload[_offset..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            throw BinlogException.Protocol($"Missing NUL terminator for a string at offset {_offset}.");
        }

        _offset += end + 1;
        return rest[..end];
    }

    public string ReadNullTerminatedString() => Encoding.UTF8.GetString(ReadNullTerminatedBytes());

    /// <summary>A NUL-terminated string that may also end at the end of the payload.</summary>
    public string ReadNullTerminatedStringOrRest()
    {
        var rest = _payload[_offset..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            _offset = _payload.Length;
            return Encoding.UTF8.GetString(rest);
        }

        _offset += end + 1;
        return Encoding.UTF8.GetString(rest[..end]);
    }

    public ReadOnlySpan<byte> ReadBytes(int count) => Take(count);

    public ReadOnlySpan<byte> ReadRest()
    {
        var rest = _payload[_offset..];
        _offset = _payload.Length;
        return rest;
    }

    public void Skip(int count) => Take(count);

    private ReadOnlySpan<byte> Take(int count)
    {
        Require(count);
        var s = _payload.Slice(_offset, count);
        _offset += count;
        return s;
    }

    private readonly void Require(int count)
    {
        if (count < 0 || _payload.Length - _offset < count)
        {
            throw BinlogException.Protocol(
                $"Packet too short: needed {count} byte(s) at offset {_offset} of a {_payload.Length}-byte payload.");
        }
    }
}
