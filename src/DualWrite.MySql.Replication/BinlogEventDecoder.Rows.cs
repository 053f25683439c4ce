using System.Globalization;
using DualWrite.MySql.Replication.Decoding;
using DualWrite.MySql.Replication.Events;
using DualWrite.MySql.Replication.Rows;

namespace DualWrite.MySql.Replication;

public sealed partial class BinlogEventDecoder
{
    private const ushort StatementEndFlag = 0x0001;

    // MySQL and MariaDB end a statement that changed no mapped table with a rows event for this table id.
    private const ulong DummyTableId4 = 0x00FF_FFFF;
    private const ulong DummyTableId6 = 0xFFFF_FFFF_FFFF;

    // https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Table__map__event.html
    private TableMapEvent DecodeTableMap(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        TableMap table;
        try
        {
            table = _codec.ParseTableMap(data, PostHeaderLength(BinlogEventType.TableMap, 8),
                Format?.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            throw DecoderFailure(header, ex);
        }

        _tableMaps[table.TableId] = table;
        return new TableMapEvent(header, table);
    }

    // https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Rows__event.html:
    // post-header table id (6; 4 when the post-header is 6 bytes) and flags (2); v2 adds the extra-data length (2,
    // counting itself) and the extra data. The body: column count (packed), the columns-present bitmap, for updates
    // a second bitmap for the after image, then the rows up to the end of the event.
    private RowsEvent DecodeRows(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        var type = header.Type;
        var isV2 = type is BinlogEventType.WriteRowsV2 or BinlogEventType.UpdateRowsV2 or BinlogEventType.DeleteRowsV2
            or BinlogEventType.PartialUpdateRows;
        var kind = type switch
        {
            BinlogEventType.WriteRowsV1 or BinlogEventType.WriteRowsV2 => RowsEventKind.Insert,
            BinlogEventType.DeleteRowsV1 or BinlogEventType.DeleteRowsV2 => RowsEventKind.Delete,
            _ => RowsEventKind.Update,
        };

        var postHeader = PostHeaderLength(type, isV2 ? 10 : 8);
        var reader = new BinlogSpanReader(data, $"{type} rows event");
        if (postHeader < (isV2 ? 10 : 6))
        {
            throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"post-header length {postHeader}"));
        }

        var tableId = postHeader == 6 ? reader.ReadUInt32() : reader.ReadUInt48();
        var flags = reader.ReadUInt16();
        var extraLength = isV2 ? reader.ReadUInt16() : 0;
        reader.Skip(postHeader - reader.Offset);
        if (isV2)
        {
            if (extraLength < 2)
            {
                throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"extra-data length {extraLength}"));
            }

            reader.Skip(extraLength - 2);
        }

        var columnCount = reader.ReadPackedInteger();
        if (columnCount > int.MaxValue / 2)
        {
            throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"column count {columnCount}"));
        }

        var bitmapLength = ((int)columnCount + 7) / 8;
        var present = reader.ReadBytes(bitmapLength);
        var presentAfter = kind == RowsEventKind.Update ? reader.ReadBytes(bitmapLength) : present;
        var rowData = reader.ReadRest();

        if (!_tableMaps.TryGetValue(tableId, out var table))
        {
            if (rowData.IsEmpty && tableId is DummyTableId4 or DummyTableId6)
            {
                table = new TableMap { TableId = tableId, Schema = string.Empty, Table = string.Empty, Columns = [] };
                return NewRowsEvent(header, kind, table, [], flags, (int)columnCount, present, presentAfter);
            }

            throw BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
                $"Binlog rows event for unknown table id {tableId}: {Describe(header)} has no TABLE_MAP_EVENT before it."));
        }

        if (table.Columns.Count != (int)columnCount)
        {
            throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture,
                $"{columnCount} column(s), but the table map of {table} has {table.Columns.Count}"));
        }

        var rows = ReadRows(header, kind, table, rowData, present, presentAfter);
        return NewRowsEvent(header, kind, table, rows, flags, (int)columnCount, present, presentAfter);
    }

    private static RowsEvent NewRowsEvent(
        BinlogEventHeader header, RowsEventKind kind, TableMap table, IReadOnlyList<RowImagePair> rows, ushort flags, int columnCount,
        ReadOnlySpan<byte> present, ReadOnlySpan<byte> presentAfter) =>
        new(header, kind, table, rows, (flags & StatementEndFlag) != 0)
        {
            RowsFlags = flags,
            ColumnCount = columnCount,
            ColumnsPresent = present.ToArray(),
            ColumnsPresentAfter = kind == RowsEventKind.Update ? presentAfter.ToArray() : ReadOnlyMemory<byte>.Empty,
        };

    private List<RowImagePair> ReadRows(
        BinlogEventHeader header, RowsEventKind kind, TableMap table, ReadOnlySpan<byte> rowData,
        ReadOnlySpan<byte> present, ReadOnlySpan<byte> presentAfter)
    {
        var partial = header.Type == BinlogEventType.PartialUpdateRows;
        var rows = new List<RowImagePair>();
        var offset = 0;
        while (offset < rowData.Length)
        {
            var start = offset;
            try
            {
                switch (kind)
                {
                    case RowsEventKind.Insert:
                        rows.Add(new RowImagePair(null, _codec.ReadImage(rowData, ref offset, table, present)));
                        break;
                    case RowsEventKind.Delete:
                        rows.Add(new RowImagePair(_codec.ReadImage(rowData, ref offset, table, present), null));
                        break;
                    default:
                        var before = _codec.ReadImage(rowData, ref offset, table, present);
                        CheckOffset(header, offset, start, rowData.Length);
                        var after = partial
                            ? _codec.ReadPartialAfter(rowData, ref offset, table, presentAfter, before)
                            : _codec.ReadImage(rowData, ref offset, table, presentAfter);
                        rows.Add(new RowImagePair(before, after));
                        break;
                }
            }
            catch (Exception ex) when (IsDecoderFailure(ex))
            {
                throw DecoderFailure(header, ex);
            }

            // A decoder that does not advance would loop forever on malformed input.
            CheckOffset(header, offset, start, rowData.Length);
            if (offset == start)
            {
                throw BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
                    $"Malformed binlog event: {Describe(header)}: row {rows.Count} at offset {start} is empty."));
            }
        }

        return rows;
    }

    private static void CheckOffset(BinlogEventHeader header, int offset, int start, int length)
    {
        if (offset < start || offset > length)
        {
            throw BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
                $"Malformed binlog event: {Describe(header)}: a row image ended at offset {offset}, outside {start}..{length}."));
        }
    }
}
