using System.Text;
using DualWrite.MySql.Values;

namespace DualWrite.MySql.Replication.Tests.Binlog.Rows;

/// <summary>Assembles TABLE_MAP post-header and body bytes for tests.</summary>
internal sealed class TableMapBuilder
{
    private readonly List<(byte Type, byte[] Metadata, bool Nullable)> _columns = [];
    private readonly List<byte> _optional = [];

    public ulong TableId { get; init; } = 0x0000_1234_5678_9ABC;

    public string Schema { get; init; } = "shop";

    public string Table { get; init; } = "orders";

    public int PostHeaderLength { get; init; } = 8;

    public TableMapBuilder Column(MySqlColumnType type, byte[]? metadata = null, bool nullable = true)
    {
        _columns.Add(((byte)type, metadata ?? [], nullable));
        return this;
    }

    /// <summary>Adds an optional metadata field: type byte, packed length, value.</summary>
    public TableMapBuilder Optional(byte fieldType, params byte[] value)
    {
        _optional.Add(fieldType);
        _optional.AddRange(Packed((ulong)value.Length));
        _optional.AddRange(value);
        return this;
    }

    public byte[] Build()
    {
        var bytes = new List<byte>();
        var idBytes = PostHeaderLength == 6 ? 4 : 6;
        for (var i = 0; i < idBytes; i++)
        {
            bytes.Add((byte)(TableId >> (8 * i)));
        }
        bytes.AddRange(new byte[] { 0x01, 0x00 });
        AddName(bytes, Schema);
        AddName(bytes, Table);
        bytes.AddRange(Packed((ulong)_columns.Count));
        bytes.AddRange(_columns.Select(c => c.Type));
        var metadata = _columns.SelectMany(c => c.Metadata).ToArray();
        bytes.AddRange(Packed((ulong)metadata.Length));
        bytes.AddRange(metadata);
        var nullBits = new byte[(_columns.Count + 7) / 8];
        for (var i = 0; i < _columns.Count; i++)
        {
            if (_columns[i].Nullable)
            {
                nullBits[i / 8] |= (byte)(1 << (i % 8));
            }
        }
        bytes.AddRange(nullBits);
        bytes.AddRange(_optional);
        return [.. bytes];
    }

    public static byte[] Packed(ulong value) => value switch
    {
        < 251 => [(byte)value],
        <= 0xFFFF => [0xFC, (byte)value, (byte)(value >> 8)],
        <= 0xFF_FFFF => [0xFD, (byte)value, (byte)(value >> 8), (byte)(value >> 16)],
        _ => [0xFE, .. BitConverter.GetBytes(value)],
    };

    /// <summary>A packed-length string.</summary>
    public static byte[] Str(string s) => [.. Packed((ulong)Encoding.UTF8.GetByteCount(s)), .. Encoding.UTF8.GetBytes(s)];

    private static void AddName(List<byte> bytes, string name)
    {
        var utf8 = Encoding.UTF8.GetBytes(name);
        bytes.Add((byte)utf8.Length);
        bytes.AddRange(utf8);
        bytes.Add(0);
    }
}
