using DualWrite.MySql.Replication;
using DualWrite.MySql.Replication.Decoding;
using DualWrite.MySql.Replication.Events;
using DualWrite.MySql.Replication.Rows;
using static DualWrite.MySql.Replication.Tests.Binlog.Events.EventBuilder;

namespace DualWrite.MySql.Replication.Tests.Binlog.Events;

/// <summary>The rows-event envelope (post-header, extra data, bitmaps, row loop, table-map cache) with fake row decoders.</summary>
public class RowsEnvelopeTests
{
    private const ulong TableId = 0x12_3456_789A;

    private static BinlogEventDecoder DecoderWithTable(RowCodec? codec = null, byte[]? format = null)
    {
        var decoder = new BinlogEventDecoder(codec ?? FakeRowCodec.LengthPrefixed);
        decoder.Decode(format ?? Crc32Format);
        decoder.Decode(Event(BinlogEventType.TableMap, TableMapBody(TableId, "db", "t", 3, 15, 252)));
        return decoder;
    }

    private static byte[] RowsV2(BinlogEventType type, ulong tableId, ushort flags, byte[] extra, int columns, byte[] bitmaps, params byte[][] rows) =>
        Event(type, Concat(U48(tableId), U16(flags), U16(2 + extra.Length), extra, [(byte)columns], bitmaps, Concat(rows)));

    [Fact]
    public void WriteRowsV2_GivesEnvelopeAndEveryRow()
    {
        var decoder = DecoderWithTable();

        var rows = (RowsEvent)decoder.Decode(RowsV2(BinlogEventType.WriteRowsV2, TableId, 0x0001, [], 3, [0x07], [2, 0xA1, 0xA2], [1, 0xB1], [3, 1, 2, 3]));

        rows.Kind.Should().Be(RowsEventKind.Insert);
        rows.Table.TableId.Should().Be(TableId);
        (rows.Table.Schema, rows.Table.Table).Should().Be(("db", "t"));
        decoder.TryGetTableMap(TableId, out var cached).Should().BeTrue();
        rows.Table.Should().BeSameAs(cached);
        rows.RowsFlags.Should().Be(1);
        rows.IsStatementEnd.Should().BeTrue();
        rows.ColumnCount.Should().Be(3);
        rows.ColumnsPresent.ToArray().Should().Equal(0x07);
        rows.ColumnsPresentAfter.IsEmpty.Should().BeTrue();
        rows.Rows.Should().HaveCount(3);
        rows.Rows.Should().OnlyContain(r => r.Before == null && r.After != null);
        ((byte[])rows.Rows[1].After![0]!).Should().Equal(1, 0xB1);
    }

    [Fact]
    public void UpdateRowsV2_SkipsExtraData_ReadsBothBitmapsAndImagePairs()
    {
        var decoder = DecoderWithTable();

        var rows = (RowsEvent)decoder.Decode(RowsV2(
            BinlogEventType.UpdateRowsV2, TableId, 0x0000, [0x01, 0x01, 0x05], 3, [0x05, 0x07], [1, 0x10], [1, 0x11], [1, 0x20], [1, 0x21]));

        rows.Kind.Should().Be(RowsEventKind.Update);
        rows.IsStatementEnd.Should().BeFalse();
        rows.ColumnsPresent.ToArray().Should().Equal(0x05);
        rows.ColumnsPresentAfter.ToArray().Should().Equal(0x07);
        rows.Rows.Should().HaveCount(2);
        ((byte[])rows.Rows[1].Before![0]!).Should().Equal(1, 0x20);
        ((byte[])rows.Rows[1].After![0]!).Should().Equal(1, 0x21);
    }

    [Fact]
    public void DeleteRowsV1_HasNoExtraData_AndBeforeImagesOnly()
    {
        // MySQL 8.4 no longer lists v1 rows events in its FORMAT_DESCRIPTION (post-header 0); MariaDB writes them.
        var decoder = DecoderWithTable(format: MariaDbFormat);

        var rows = (RowsEvent)decoder.Decode(Event(BinlogEventType.DeleteRowsV1, Concat(U48(TableId), U16(1), [3], [0x07], [1, 0x33])));

        rows.Kind.Should().Be(RowsEventKind.Delete);
        rows.Rows.Should().ContainSingle().Which.After.Should().BeNull();
        ((byte[])rows.Rows[0].Before![0]!).Should().Equal(1, 0x33);
    }

    [Fact]
    public void PartialUpdateRows_ReadsTheAfterImageWithThePartialReader()
    {
        var decoder = DecoderWithTable();

        var rows = (RowsEvent)decoder.Decode(RowsV2(BinlogEventType.PartialUpdateRows, TableId, 1, [], 3, [0x07, 0x07], [1, 0x01], [1, 0x02]));

        rows.Kind.Should().Be(RowsEventKind.Update);
        rows.Rows.Should().ContainSingle().Which.After![0].Should().Be("partial");
    }

    [Fact]
    public void RowsEvent_ForUnknownTableId_IsCorrupt()
    {
        var decoder = DecoderWithTable();

        var act = () => decoder.Decode(RowsV2(BinlogEventType.WriteRowsV2, 99, 1, [], 3, [0x07], [1, 0]));

        act.Should().Throw<BinlogException>().Where(e => e.Kind == BinlogErrorKind.BinlogCorrupt && e.Message.Contains("unknown table id 99"));
    }

    [Fact]
    public void RowsEvent_WithOtherColumnCountThanItsTableMap_IsCorrupt()
    {
        var decoder = DecoderWithTable();

        var act = () => decoder.Decode(RowsV2(BinlogEventType.WriteRowsV2, TableId, 1, [], 2, [0x03], [1, 0]));

        act.Should().Throw<BinlogException>().Where(e => e.Kind == BinlogErrorKind.BinlogCorrupt && e.Message.Contains("2 column(s)"));
    }

    [Fact]
    public void DummyStatementEndEvent_WithoutRows_NeedsNoTableMap()
    {
        var decoder = DecoderWithTable();

        var rows = (RowsEvent)decoder.Decode(RowsV2(BinlogEventType.WriteRowsV2, 0x00FF_FFFF, 1, [], 1, [0x01]));

        rows.Rows.Should().BeEmpty();
        rows.IsStatementEnd.Should().BeTrue();
        rows.Table.Columns.Should().BeEmpty();
    }

    [Fact]
    public void RowReader_ThatDoesNotAdvance_IsCorrupt_NotAnEndlessLoop()
    {
        var stuck = new RowCodec(
            FakeRowCodec.ParseTableMap,
            (ReadOnlySpan<byte> _, ref int _, TableMap _, ReadOnlySpan<byte> _) => [],
            (ReadOnlySpan<byte> _, ref int _, TableMap _, ReadOnlySpan<byte> _, object?[] _) => []);
        var decoder = DecoderWithTable(stuck);

        var act = () => decoder.Decode(RowsV2(BinlogEventType.WriteRowsV2, TableId, 1, [], 3, [0x07], [1, 0]));

        act.Should().Throw<BinlogException>().Where(e => e.Kind == BinlogErrorKind.BinlogCorrupt && e.Message.Contains("is empty"));
    }

    [Fact]
    public void RowReader_FailingOnMalformedData_BecomesBinlogCorrupt()
    {
        var decoder = DecoderWithTable();

        // The length byte promises 9 bytes, 1 follows: the fake reader overruns its span.
        var act = () => decoder.Decode(RowsV2(BinlogEventType.WriteRowsV2, TableId, 1, [], 3, [0x07], [9, 0]));

        act.Should().Throw<BinlogException>().Where(e => e.Kind == BinlogErrorKind.BinlogCorrupt && e.InnerException is ArgumentOutOfRangeException);
    }

    [Fact]
    public void RowReader_ThrowingAnotherErrorKind_BecomesBinlogCorrupt()
    {
        var invalid = new RowCodec(
            FakeRowCodec.ParseTableMap,
            (ReadOnlySpan<byte> _, ref int _, TableMap _, ReadOnlySpan<byte> _) => throw new BinlogException(BinlogErrorKind.Protocol, 0, null, "bad DECIMAL"),
            (ReadOnlySpan<byte> _, ref int _, TableMap _, ReadOnlySpan<byte> _, object?[] _) => []);
        var decoder = DecoderWithTable(invalid);

        var act = () => decoder.Decode(RowsV2(BinlogEventType.WriteRowsV2, TableId, 1, [], 3, [0x07], [1, 0]));

        act.Should().Throw<BinlogException>().Where(e => e.Kind == BinlogErrorKind.BinlogCorrupt && e.Message.Contains("bad DECIMAL"));
    }

    [Fact]
    public void TableMapParser_Failure_BecomesBinlogCorrupt()
    {
        var decoder = DecoderWithTable();

        var act = () => decoder.Decode(Event(BinlogEventType.TableMap, Concat(U48(5), U16(1), [40], "db"u8.ToArray())));

        act.Should().Throw<BinlogException>().Where(e => e.Kind == BinlogErrorKind.BinlogCorrupt);
        decoder.TryGetTableMap(5, out _).Should().BeFalse();
    }

    [Fact]
    public void NewFormatDescription_AndClearTableMaps_ForgetTheMaps()
    {
        var decoder = DecoderWithTable();
        decoder.TableMapCount.Should().Be(1);

        decoder.ClearTableMaps();
        decoder.TableMapCount.Should().Be(0);

        decoder.Decode(Event(BinlogEventType.TableMap, TableMapBody(TableId, "db", "t", 3)));
        decoder.Decode(Crc32Format);
        decoder.TableMapCount.Should().Be(0);
    }

    [Fact]
    public void RowsEvent_UnderV1PostHeaderOfSixBytes_ReadsAFourByteTableId()
    {
        // A FORMAT_DESCRIPTION whose rows post-header is 6 (5.1.3 and older): table id 4 bytes, flags 2.
        var format = (byte[])MariaDbFormat.Clone();
        var lengths = 19 + 57;
        format[lengths + (int)BinlogEventType.WriteRowsV1 - 1] = 6;
        format[lengths + (int)BinlogEventType.TableMap - 1] = 6;
        FormatDescriptionResealed(format);
        var decoder = new BinlogEventDecoder(FakeRowCodec.LengthPrefixed);
        decoder.Decode(format);
        decoder.Decode(Event(BinlogEventType.TableMap, Concat(U32(77), U16(0), [1], "d"u8.ToArray(), [0], [1], "x"u8.ToArray(), [0], [1], [3])));

        var rows = (RowsEvent)decoder.Decode(Event(BinlogEventType.WriteRowsV1, Concat(U32(77), U16(1), [1], [0x01], [1, 5])));

        rows.Table.TableId.Should().Be(77);
        rows.Rows.Should().ContainSingle();
    }

    internal static void FormatDescriptionResealed(byte[] format) =>
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(
            format.AsSpan(format.Length - 4), BinlogEventDecoder.FormatDescriptionCrc32(format.AsSpan(0, format.Length - 4)));
}
