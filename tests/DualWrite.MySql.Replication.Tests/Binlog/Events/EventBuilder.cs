using System.Buffers.Binary;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Tests.Binlog.Events;

/// <summary>Builds binlog events byte by byte for tests: header, body and, optionally, a correct CRC32.</summary>
internal static class EventBuilder
{
    /// <summary>A MySQL 8.4 FORMAT_DESCRIPTION event with binlog_checksum=CRC32 (from a recorded file).</summary>
    public static byte[] Crc32Format => BinlogFixtures.Events(BinlogFixtures.Percona3)[0];

    /// <summary>A MySQL 5.7 FORMAT_DESCRIPTION event with binlog_checksum=NONE (from a recorded file).</summary>
    public static byte[] NoChecksumFormat => BinlogFixtures.Events(BinlogFixtures.ChecksumNone)[0];

    /// <summary>A MariaDB 10.5 FORMAT_DESCRIPTION event with CRC32 (from a recorded file).</summary>
    public static byte[] MariaDbFormat => BinlogFixtures.Events(BinlogFixtures.MariaDb105)[0];

    public static byte[] Event(BinlogEventType type, ReadOnlySpan<byte> body, bool checksum = true, ushort flags = 0, uint nextPosition = 1000, uint serverId = 7) =>
        Event((byte)type, body, checksum, flags, nextPosition, serverId);

    public static byte[] Event(byte type, ReadOnlySpan<byte> body, bool checksum = true, ushort flags = 0, uint nextPosition = 1000, uint serverId = 7)
    {
        var size = 19 + body.Length + (checksum ? 4 : 0);
        var e = new byte[size];
        BinaryPrimitives.WriteUInt32LittleEndian(e, 1_700_000_000);
        e[4] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(5), serverId);
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(9), (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(13), nextPosition);
        BinaryPrimitives.WriteUInt16LittleEndian(e.AsSpan(17), flags);
        body.CopyTo(e.AsSpan(19));
        if (checksum)
        {
            Reseal(e);
        }

        return e;
    }

    /// <summary>Rewrites the trailing CRC32 to match the event's bytes.</summary>
    public static void Reseal(byte[] e) => BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(e.Length - 4), System.IO.Hashing.Crc32.HashToUInt32(e.AsSpan(0, e.Length - 4)));

    /// <summary>Rewrites the header's size field to the array's length.</summary>
    public static void FixSize(byte[] e) => BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(9), (uint)e.Length);

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] U16(int v) => BitConverter.GetBytes((ushort)v);

    public static byte[] U32(uint v) => BitConverter.GetBytes(v);

    public static byte[] U64(ulong v) => BitConverter.GetBytes(v);

    public static byte[] U48(ulong v) => BitConverter.GetBytes(v)[..6];

    /// <summary>A TABLE_MAP body (post-header 8) the fake parser reads: table id, flags, names, column types.</summary>
    public static byte[] TableMapBody(ulong tableId, string schema, string table, params byte[] types) =>
        Concat(U48(tableId), U16(1), [(byte)schema.Length], System.Text.Encoding.ASCII.GetBytes(schema), [0],
            [(byte)table.Length], System.Text.Encoding.ASCII.GetBytes(table), [0], [(byte)types.Length], types, [0]);
}
