using DualWrite.MySql.Replication.Events;
using DualWrite.MySql.Replication.Rows;
using DualWrite.MySql.Values;
using static DualWrite.MySql.Replication.Tests.Binlog.Rows.JsonBinaryBuilder;
using static DualWrite.MySql.Replication.Tests.Binlog.Rows.JsonDiffApplierTests;
using static DualWrite.MySql.Replication.Tests.Binlog.Rows.RowsTestData;

namespace DualWrite.MySql.Replication.Tests.Binlog.Rows;

public sealed class RowImageReaderTests
{
    private static readonly TableMap ThreeColumns = Table(
        Column(MySqlColumnType.Long, name: "id"),
        Column(MySqlColumnType.VarChar, 40, collation: 45, name: "name"),
        Column(MySqlColumnType.Long, name: "qty"));

    [Fact]
    public void Null_bitmap_counts_present_columns_and_absent_columns_are_marked()
    {
        // Columns 0 and 2 present; the NULL bitmap has two bits: 0 not null, 1 null.
        var body = Hex("02" + "07000000" + "FF");
        var offset = 0;

        var values = RowImageReader.Read(body, ref offset, ThreeColumns, [0b101]);

        values.Should().HaveCount(3);
        values[0].Should().Be(7);
        values[1].Should().BeSameAs(RowImagePair.Absent);
        values[2].Should().BeNull();
        offset.Should().Be(5, "the trailing byte belongs to whatever follows");
    }

    [Fact]
    public void Consecutive_rows_are_read_from_the_returned_offset()
    {
        var body = Hex("00" + "01000000" + "0161" + "0A000000" + "06" + "02000000");
        var offset = 0;

        var first = RowImageReader.Read(body, ref offset, ThreeColumns, [0b111]);
        var second = RowImageReader.Read(body, ref offset, ThreeColumns, [0b111]);

        first.Should().Equal(1, "a", 10);
        second.Should().Equal(2, null, null);
        offset.Should().Be(body.Length);
    }

    [Fact]
    public void Row_with_no_present_columns_is_all_absent_and_has_no_bytes()
    {
        var offset = 0;

        var values = RowImageReader.Read([], ref offset, ThreeColumns, [0]);

        values.Should().OnlyContain(v => ReferenceEquals(v, RowImagePair.Absent));
        offset.Should().Be(0);
    }

    [Fact]
    public void Column_bitmap_shorter_than_the_table_is_corrupt()
    {
        var wide = Table(Enumerable.Range(0, 9).Select(_ => Column(MySqlColumnType.Tiny)).ToArray());

        var act = () =>
        {
            var offset = 0;
            return RowImageReader.Read(Hex("0000" + "010203040506070809"), ref offset, wide, [0xFF]);
        };

        act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }

    [Fact]
    public void Every_truncation_of_a_row_is_corrupt()
    {
        var body = Hex("00" + "01000000" + "03616263" + "0A000000");

        for (var length = 0; length < body.Length; length++)
        {
            var prefix = body[..length];
            var act = () =>
            {
                var offset = 0;
                return RowImageReader.Read(prefix, ref offset, ThreeColumns, [0b111]);
            };
            act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
        }
    }

    private static readonly TableMap JsonTable = Table(
        Column(MySqlColumnType.Long, name: "id"),
        Column(MySqlColumnType.Json, 4, name: "doc"),
        Column(MySqlColumnType.VarChar, 40, collation: 45, name: "note"),
        Column(MySqlColumnType.Json, 4, name: "other"));

    private static byte[] JsonValue(Value value)
    {
        var document = Document(value);
        return [.. BitConverter.GetBytes(document.Length), .. document];
    }

    [Fact]
    public void Partial_after_image_applies_diffs_to_partial_columns_and_reads_full_ones()
    {
        object?[] before = [1, "{\"a\": 1, \"b\": [1, 2]}", "n", "{\"z\": 0}"];
        byte[] body =
        [
            0x01, // value_options: PARTIAL_JSON_UPDATES
            0b01, // partial_bits over the two JSON columns: doc partial, other full
            0x00, // NULL bitmap over the four present columns
            .. BitConverter.GetBytes(1),
            .. DiffList(Diff(0, "$.a", Int16(2)), Diff(1, "$.b[2]", Int16(3))),
            0x01, (byte)'m',
            .. JsonValue(Object(false, ("z", True))),
        ];
        var offset = 0;

        var after = RowImageReader.ReadPartialAfter(body, ref offset, JsonTable, [0b1111], before);

        after.Should().Equal(1, "{\"a\": 2, \"b\": [1, 2, 3]}", "m", "{\"z\": true}");
        offset.Should().Be(body.Length);
    }

    [Fact]
    public void Partial_after_image_without_partial_json_is_an_ordinary_image()
    {
        byte[] body = [0x00, 0x00, .. BitConverter.GetBytes(5), 0x01, (byte)'q'];
        var offset = 0;

        var after = RowImageReader.ReadPartialAfter(body, ref offset, JsonTable, [0b0101], [5, "{}", "p", "[]"]);

        after[0].Should().Be(5);
        after[1].Should().BeSameAs(RowImagePair.Absent);
        after[2].Should().Be("q");
        after[3].Should().BeSameAs(RowImagePair.Absent);
        offset.Should().Be(body.Length);
    }

    [Fact]
    public void Partial_bits_cover_json_columns_missing_from_the_image()
    {
        // Only "other" (the second JSON column) is present; its partial bit is bit 1.
        byte[] body = [0x01, 0b10, 0x00, .. DiffList(Diff(2, "$.z"))];
        var offset = 0;

        var after = RowImageReader.ReadPartialAfter(body, ref offset, JsonTable, [0b1000], [1, "{}", "n", "{\"y\": 1, \"z\": 0}"]);

        after[3].Should().Be("{\"y\": 1}");
        offset.Should().Be(body.Length);
    }

    [Fact]
    public void Partial_json_null_in_the_after_image_is_null()
    {
        byte[] body = [0x01, 0b01, 0b10, .. BitConverter.GetBytes(1)];
        var offset = 0;

        var after = RowImageReader.ReadPartialAfter(body, ref offset, JsonTable, [0b0011], [1, "{}", "n", "{}"]);

        after[0].Should().Be(1);
        after[1].Should().BeNull();
    }

    [Fact]
    public void Partial_json_without_the_document_in_the_before_image_is_unsupported()
    {
        byte[] body = [0x01, 0b01, 0x00, .. DiffList(Diff(0, "$.a", Int16(2)))];

        var act = () =>
        {
            var offset = 0;
            return RowImageReader.ReadPartialAfter(body, ref offset, JsonTable, [0b0010], [1, RowImagePair.Absent, RowImagePair.Absent, RowImagePair.Absent]);
        };

        var e = act.Should().Throw<BinlogException>().Which;
        e.Kind.Should().Be(BinlogErrorKind.BinlogUnsupported);
        e.Message.Should().Contain("binlog_row_image=FULL").And.Contain("`doc`");
    }

    [Theory]
    [InlineData(new byte[] { 0x02, 0x00 })] // unknown value_options bit
    [InlineData(new byte[] { 0x01 })] // partial_bits missing
    [InlineData(new byte[] { })] // value_options missing
    public void Malformed_partial_headers_are_corrupt(byte[] body)
    {
        var act = () =>
        {
            var offset = 0;
            return RowImageReader.ReadPartialAfter(body, ref offset, JsonTable, [0b0001], [1, "{}", "n", "{}"]);
        };

        act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }
}
