using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace DualWrite.MySql.Replication.Protocol.Serialization;

/// <summary>
/// Builds one outgoing payload. The first four bytes are reserved for the packet header so
/// that a payload under 16 MiB goes out in a single write.
/// </summary>
internal sealed class PayloadWriter : IBufferWriter<byte>
{
    public const int HeaderSize = 4;
    private byte[] _buffer;
    private int _position;

    public PayloadWriter(int initialCapacity = 256)
    {
        _buffer = new byte[Math.Max(initialCapacity, 16) + HeaderSize];
        _position = HeaderSize;
    }

    /// <summary>The payload length written so far.</summary>
    public int Length => _position - HeaderSize;

    /// <summary>The buffer including the four reserved header bytes.</summary>
    public ArraySegment<byte> PacketBuffer => new(_buffer, 0, _position);

    public ReadOnlySpan<byte> Payload => _buffer.AsSpan(HeaderSize, Length);

    public void Clear() => _position = HeaderSize;

    public void Advance(int count) => _position += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_position);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_position);
    }

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_position++] = value;
    }

    public void WriteUInt16(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_position), value);
        _position += 2;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_position), value);
        _position += 4;
    }

    public void WriteZeros(int count)
    {
        Ensure(count);
        _buffer.AsSpan(_position, count).Clear();
        _position += count;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_position));
        _position += bytes.Length;
    }

    public void WriteLengthEncodedInteger(ulong value)
    {
        if (value < 0xFB)
        {
            WriteByte((byte)value);
        }
        else if (value <= 0xFFFF)
        {
            WriteByte(0xFC);
            WriteUInt16((ushort)value);
        }
        else if (value <= 0xFFFFFF)
        {
            WriteByte(0xFD);
            Ensure(3);
            _buffer[_position++] = (byte)value;
            _buffer[_position++] = (byte)(value >> 8);
            _buffer[_position++] = (byte)(value >> 16);
        }
        else
        {
            WriteByte(0xFE);
            Ensure(8);
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_position), value);
            _position += 8;
        }
    }

    public void WriteLengthEncodedBytes(ReadOnlySpan<byte> bytes)
    {
        WriteLengthEncodedInteger((ulong)bytes.Length);
        Write(bytes);
    }

    public void WriteLengthEncodedString(string value) => WriteLengthEncodedBytes(Encoding.UTF8.GetBytes(value));

    public void WriteNullTerminatedString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        Ensure(count + 1);
        _position += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_position));
        _buffer[_position++] = 0;
    }

    /// <summary>Writes UTF-8 text without a terminator or length.</summary>
    public void WriteUtf8(ReadOnlySpan<char> value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        Ensure(count);
        _position += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_position));
    }

    private void Ensure(int count)
    {
        if (_buffer.Length - _position >= count)
        {
            return;
        }

        var needed = (long)_position + count;
        var size = Math.Max(needed, (long)_buffer.Length * 2);
        if (size > Array.MaxLength)
        {
            size = Math.Max(needed, Array.MaxLength);
        }

        if (size > Array.MaxLength)
        {
            throw new InvalidOperationException($"A single command cannot exceed {Array.MaxLength} bytes.");
        }

        Array.Resize(ref _buffer, (int)size);
    }
}
