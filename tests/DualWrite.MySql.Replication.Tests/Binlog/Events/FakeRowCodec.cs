using DualWrite.MySql.Replication;
using DualWrite.MySql.Replication.Decoding;
using DualWrite.MySql.Replication.Rows;
using DualWrite.MySql.Values;

namespace DualWrite.MySql.Replication.Tests.Binlog.Events;

/// <summary>
/// Stand-ins for the table-map and row-image decoders, so the rows-event envelope is tested on its own. The table map
/// keeps the table id, names and column types; the row readers return the raw bytes they consumed.
/// </summary>
internal static class FakeRowCodec
{
    /// <summary>Each row image takes the rest of the rows data (one row per event): enough to walk recorded files.</summary>
    public static readonly RowCodec ConsumeAll = new(
        ParseTableMap,
        (ReadOnlySpan<byte> body, ref int offset, TableMap _, ReadOnlySpan<byte> _) => Consume(body, ref offset, body.Length - offset),
        (ReadOnlySpan<byte> body, ref int offset, TableMap _, ReadOnlySpan<byte> _, object?[] _) => Consume(body, ref offset, body.Length - offset));

    /// <summary>Each row image is one length byte and that many bytes: synthetic events use it to hold several rows.</summary>
    public static readonly RowCodec LengthPrefixed = new(
        ParseTableMap,
        (ReadOnlySpan<byte> body, ref int offset, TableMap _, ReadOnlySpan<byte> _) => Consume(body, ref offset, 1 + body[offset]),
        (ReadOnlySpan<byte> body, ref int offset, TableMap _, ReadOnlySpan<byte> _, object?[] _) =>
            ["partial", .. Consume(body, ref offset, 1 + body[offset])]);

    /// <summary>Table id, flags, schema, table, column count and types; metadata and the rest are ignored.</summary>
    public static TableMap ParseTableMap(ReadOnlySpan<byte> data, int postHeaderLength, bool? isMariaDb)
    {
        var reader = new BinlogSpanReader(data, "fake TABLE_MAP");
        var tableId = postHeaderLength == 6 ? reader.ReadUInt32() : reader.ReadUInt48();
        reader.Skip(postHeaderLength - reader.Offset);
        var schema = reader.ReadString(reader.ReadByte());
        reader.ReadByte();
        var table = reader.ReadString(reader.ReadByte());
        reader.ReadByte();
        var count = reader.ReadPackedLength("column count");
        var types = reader.ReadBytes(count).ToArray();
        return new TableMap
        {
            TableId = tableId,
            Schema = schema,
            Table = table,
            Columns = types.Select((t, i) => new TableMapColumn { Ordinal = i, Type = (MySqlColumnType)t, Metadata = 0, IsNullable = true }).ToArray(),
        };
    }

    private static object?[] Consume(ReadOnlySpan<byte> body, ref int offset, int count)
    {
        var bytes = body.Slice(offset, count).ToArray();
        offset += count;
        return [bytes];
    }
}
