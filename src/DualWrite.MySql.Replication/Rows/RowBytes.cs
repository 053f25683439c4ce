using System.Buffers.Binary;
using System.Globalization;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Rows;

/// <summary>
/// Bounds-checked reads from binlog event bytes. Every failure is a <see cref="BinlogException"/> of kind
/// BinlogCorrupt naming what was being read, never an IndexOutOfRangeException.
/// </summary>
internal static class RowBytes
{
    /// <summary>Returns the next <paramref name="count"/> bytes and advances past them.</summary>
    public static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> data, scoped ref int offset, long count, string what)
    {
        if (count < 0 || offset < 0 || offset > data.Length || count > data.Length - offset)
        {
            throw Truncated(what, count, data.Length - offset);
        }
        var result = data.Slice(offset, (int)count);
        offset += (int)count;
        return result;
    }

    public static byte U8(ReadOnlySpan<byte> data, scoped ref int offset, string what) => Take(data, ref offset, 1, what)[0];

    public static ushort U16(ReadOnlySpan<byte> data, scoped ref int offset, string what) =>
        BinaryPrimitives.ReadUInt16LittleEndian(Take(data, ref offset, 2, what));

    public static uint U32(ReadOnlySpan<byte> data, scoped ref int offset, string what) =>
        BinaryPrimitives.ReadUInt32LittleEndian(Take(data, ref offset, 4, what));

    /// <summary>Reads an unsigned little-endian integer of 1 to 8 bytes.</summary>
    public static ulong UIntLittleEndian(ReadOnlySpan<byte> data, scoped ref int offset, int bytes, string what)
    {
        var span = Take(data, ref offset, bytes, what);
        ulong value = 0;
        for (var i = span.Length - 1; i >= 0; i--)
        {
            value = (value << 8) | span[i];
        }
        return value;
    }

    /// <summary>Reads an unsigned big-endian integer of 1 to 8 bytes.</summary>
    public static ulong UIntBigEndian(ReadOnlySpan<byte> span)
    {
        ulong value = 0;
        foreach (var b in span)
        {
            value = (value << 8) | b;
        }
        return value;
    }

    /// <summary>
    /// Reads a packed integer (net_field_length): one byte below 251, or 0xFC + 2 bytes, 0xFD + 3 bytes, 0xFE + 8 bytes.
    /// </summary>
    /// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_dt_integers.html#sect_protocol_basic_dt_int_le</remarks>
    public static ulong PackedInteger(ReadOnlySpan<byte> data, scoped ref int offset, string what)
    {
        var first = U8(data, ref offset, what);
        return first switch
        {
            < 251 => first,
            252 => UIntLittleEndian(data, ref offset, 2, what),
            253 => UIntLittleEndian(data, ref offset, 3, what),
            254 => UIntLittleEndian(data, ref offset, 8, what),
            _ => throw BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
                $"Invalid packed integer prefix 0x{first:X2} in {what}.")),
        };
    }

    /// <summary>Reads a packed integer that counts bytes or items still to come, so it must fit in what is left.</summary>
    public static int PackedLength(ReadOnlySpan<byte> data, scoped ref int offset, string what)
    {
        var value = PackedInteger(data, ref offset, what);
        var remaining = data.Length - offset;
        return value <= (ulong)remaining ? (int)value : throw Truncated(what, (long)Math.Min(value, long.MaxValue), remaining);
    }

    /// <summary>Reads a packed-integer length followed by that many bytes.</summary>
    public static ReadOnlySpan<byte> PackedBytes(ReadOnlySpan<byte> data, scoped ref int offset, string what) =>
        Take(data, ref offset, PackedLength(data, ref offset, what), what);

    /// <summary>Whether bit <paramref name="index"/> is set in a bitmap whose first bit is the least significant of byte 0.</summary>
    public static bool IsSet(ReadOnlySpan<byte> bitmap, int index) => (bitmap[index >> 3] & (1 << (index & 7))) != 0;

    /// <summary>Whether bit <paramref name="index"/> is set in a bitmap whose first bit is the most significant of byte 0.</summary>
    public static bool IsSetMsbFirst(ReadOnlySpan<byte> bitmap, int index) => (bitmap[index >> 3] & (0x80 >> (index & 7))) != 0;

    public static BinlogException Truncated(string what, long needed, int available) =>
        BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
            $"The event ends inside {what}: {needed} more bytes needed, {Math.Max(available, 0)} left."));
}
