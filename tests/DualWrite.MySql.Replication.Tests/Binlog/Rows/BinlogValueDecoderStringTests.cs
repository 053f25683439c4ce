using DualWrite.MySql.Replication.Rows;
using DualWrite.MySql.Values;
using static DualWrite.MySql.Replication.Tests.Binlog.Rows.RowsTestData;

namespace DualWrite.MySql.Replication.Tests.Binlog.Rows;

public sealed class BinlogValueDecoderStringTests
{
    private const int Utf8Mb4 = 45;
    private const int Latin1 = 8;
    private const int Binary = 63;
    private const int Ucs2 = 35;

    [Theory]
    [InlineData(40, "03616263", "abc")] // VARCHAR(10) utf8mb4: 1-byte length
    [InlineData(255, "0161", "a")] // 255 bytes still fit a 1-byte length
    [InlineData(256, "02006162", "ab")] // 256 and more need 2 bytes
    [InlineData(1200, "0700E298836162C3A9", "☃abé")]
    [InlineData(40, "00", "")]
    public void VarChar_uses_a_one_or_two_byte_length_and_the_column_charset(int maxBytes, string hex, string expected)
    {
        var value = Decode(Column(MySqlColumnType.VarChar, maxBytes, collation: Utf8Mb4), hex);

        value.Should().BeOfType<string>().Which.Should().Be(expected);
    }

    [Fact]
    public void VarChar_in_latin1_decodes_the_servers_latin1() =>
        Decode(Column(MySqlColumnType.VarChar, 10, collation: Latin1), "0668E96C6C6F80").Should().Be("héllo€");

    [Fact]
    public void VarChar_in_ucs2_decodes_big_endian_utf16() =>
        Decode(Column(MySqlColumnType.VarChar, 10, collation: Ucs2), "0400FF0100").Should().Be("ÿĀ");

    [Fact]
    public void VarString_is_read_like_VarChar() =>
        Decode(Column(MySqlColumnType.VarString, 30, collation: Utf8Mb4), "026869").Should().Be("hi");

    [Fact]
    public void VarBinary_is_a_byte_array() =>
        Decode(Column(MySqlColumnType.VarChar, 10, collation: Binary), "0300FF00").Should().BeOfType<byte[]>()
            .Which.Should().Equal(0x00, 0xFF, 0x00);

    [Fact]
    public void VarChar_of_unknown_charset_decodes_as_utf8() =>
        Decode(Column(MySqlColumnType.VarChar, 30, collation: -1), "02C3A9").Should().Be("é");

    [Fact]
    public void VarChar_in_an_unsupported_charset_is_unsupported()
    {
        var e = Throws(() => Decode(Column(MySqlColumnType.VarChar, 30, collation: 1, name: "big5col"), "026869"));

        e.Kind.Should().Be(BinlogErrorKind.BinlogUnsupported);
        e.Message.Should().Contain("big5col").And.Contain("`db`.`t`").And.Contain("collation id 1");
    }

    [Theory]
    [InlineData(40, "026162", "ab")]
    [InlineData(400, "02006162", "ab")] // CHAR(100) utf8mb4 is 400 bytes: 2-byte length
    [InlineData(40, "00", "")]
    public void Char_uses_a_length_prefix_from_its_maximum_length(int maxBytes, string hex, string expected) =>
        Decode(Column(MySqlColumnType.String, maxBytes, collation: Utf8Mb4), hex).Should().Be(expected);

    [Theory]
    [InlineData("0161", "61000000")]
    [InlineData("00", "00000000")]
    [InlineData("0461626364", "61626364")]
    public void Binary_is_padded_with_the_zero_bytes_the_binlog_drops(string hex, string expected) =>
        Decode(Column(MySqlColumnType.String, 4, collation: Binary), hex).Should().BeOfType<byte[]>()
            .Which.Should().Equal(Hex(expected));

    [Theory]
    [InlineData(1, "0474657874")]
    [InlineData(2, "040074657874")]
    [InlineData(3, "04000074657874")]
    [InlineData(4, "0400000074657874")]
    public void Text_has_one_to_four_length_bytes(int lengthBytes, string hex) =>
        Decode(Column(MySqlColumnType.Blob, lengthBytes, collation: Utf8Mb4), hex).Should().Be("text");

    [Theory]
    [InlineData(Binary)]
    [InlineData(-1)]
    public void Blob_with_binary_or_unknown_charset_is_a_byte_array(int collation) =>
        Decode(Column(MySqlColumnType.Blob, 2, collation: collation), "02000102").Should().BeOfType<byte[]>()
            .Which.Should().Equal(0x01, 0x02);

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Blob_with_impossible_length_bytes_is_corrupt(int lengthBytes) =>
        Throws(() => Decode(Column(MySqlColumnType.Blob, lengthBytes, collation: Utf8Mb4), "00000000000000"))
            .Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);

    [Theory]
    [InlineData(MySqlColumnType.Geometry)]
    [InlineData(MySqlColumnType.Vector)]
    public void Geometry_and_vector_are_byte_arrays(MySqlColumnType type) =>
        Decode(Column(type, 4, collation: Binary), "03000000010203").Should().BeOfType<byte[]>()
            .Which.Should().Equal(0x01, 0x02, 0x03);

    [Fact]
    public void Json_column_holds_binary_json_and_decodes_to_text() =>
        Decode(Column(MySqlColumnType.Json, 4), "08000000" + "0201000700040100").Should().Be("[true]");

    [Fact]
    public void Empty_json_value_is_null_text() =>
        Decode(Column(MySqlColumnType.Json, 4), "00000000").Should().Be("null");

    [Theory]
    [InlineData("01", "a")]
    [InlineData("02", "b")]
    [InlineData("03", "c")]
    [InlineData("00", "")] // the error value stored for invalid input
    public void Enum_is_the_member_name(string hex, string expected) =>
        Decode(Column(MySqlColumnType.Enum, 1, collation: Utf8Mb4, enumValues: ["a", "b", "c"]), hex).Should().Be(expected);

    [Fact]
    public void Enum_with_many_members_uses_two_bytes()
    {
        var names = Enumerable.Range(1, 300).Select(i => "m" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        Decode(Column(MySqlColumnType.Enum, 2, enumValues: names), "2C01").Should().Be("m300");
    }

    [Fact]
    public void Enum_index_past_the_members_is_corrupt() =>
        Throws(() => Decode(Column(MySqlColumnType.Enum, 1, enumValues: ["a"]), "02")).Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);

    [Theory]
    [InlineData(MySqlColumnType.Enum)]
    [InlineData(MySqlColumnType.Set)]
    public void Enum_and_set_without_member_names_need_full_row_metadata(MySqlColumnType type)
    {
        var e = Throws(() => Decode(Column(type, 1, name: "flags"), "01"));

        e.Kind.Should().Be(BinlogErrorKind.BinlogUnsupported);
        e.Message.Should().Contain("binlog_row_metadata=FULL").And.Contain("flags").And.Contain("`db`.`t`");
    }

    [Theory]
    [InlineData("05", "x,z")]
    [InlineData("07", "x,y,z")]
    [InlineData("02", "y")]
    [InlineData("00", "")]
    public void Set_joins_member_names_in_definition_order(string hex, string expected) =>
        Decode(Column(MySqlColumnType.Set, 1, setValues: ["x", "y", "z"]), hex).Should().Be(expected);

    [Fact]
    public void Set_of_64_members_uses_eight_bytes()
    {
        var names = Enumerable.Range(0, 64).Select(i => "s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        Decode(Column(MySqlColumnType.Set, 8, setValues: names), "0100000000000080").Should().Be("s0,s63");
        Decode(Column(MySqlColumnType.Set, 8, setValues: names), "FFFFFFFFFFFFFFFF").Should().Be(string.Join(',', names));
    }

    [Fact]
    public void Set_bits_past_the_members_are_corrupt() =>
        Throws(() => Decode(Column(MySqlColumnType.Set, 1, setValues: ["x", "y", "z"]), "08")).Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);

    [Theory]
    [InlineData(MySqlColumnType.Decimal)]
    [InlineData(MySqlColumnType.Null)]
    [InlineData(MySqlColumnType.TypedArray)]
    [InlineData((MySqlColumnType)100)]
    public void Types_without_a_row_format_are_unsupported_and_named(MySqlColumnType type)
    {
        var e = Throws(() => Decode(Column(type, name: "odd"), "00"));

        e.Kind.Should().Be(BinlogErrorKind.BinlogUnsupported);
        e.Message.Should().Contain("`odd`").And.Contain("`db`.`t`").And.Contain(((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(MySqlColumnType.VarChar, 40, "05616263")]
    [InlineData(MySqlColumnType.String, 400, "05")]
    [InlineData(MySqlColumnType.Blob, 4, "FFFFFFFF00")]
    [InlineData(MySqlColumnType.Long, 0, "010203")]
    public void Truncated_values_are_corrupt_and_name_the_column(MySqlColumnType type, int metadata, string hex)
    {
        var e = Throws(() => Decode(Column(type, metadata, collation: Utf8Mb4, name: "short_one"), hex));

        e.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
        e.Message.Should().Contain("short_one");
    }

    [Theory]
    [InlineData("0300" + "000102", "0102")] // stored as is after a zero header
    [InlineData("0000", "")]
    [InlineData("0900" + "89643BBCF230CD2100", null)] // raw deflate of 50 x 'é' in utf8mb4, decoded as binary here
    public void MariaDb_compressed_varbinary(string hex, string? expected)
    {
        var value = Decode(Column(BinlogValueDecoder.MariaDbVarCharCompressed, 301, collation: Binary), hex);

        var bytes = value.Should().BeOfType<byte[]>().Which;
        if (expected is not null)
        {
            bytes.Should().Equal(Hex(expected));
        }
        else
        {
            System.Text.Encoding.UTF8.GetString(bytes).Should().Be(new string('é', 50));
        }
    }

    [Theory]
    [InlineData("0A00" + "8A012C4B4C1C05C40200", false)] // length 300 claimed, raw deflate of 300 x 'a'
    [InlineData("0A00" + "8A01FF4B4C1C05C40200", true)] // claims 511 bytes: the stream ends early
    [InlineData("0A00" + "8A00104B4C1C05C40200", true)] // claims 16 bytes: the stream has more
    [InlineData("0A00" + "8AFFFF4B4C1C05C40200", true)] // claims far more than zlib can expand to
    [InlineData("0400" + "8A012CFF", true)] // not a deflate stream
    [InlineData("0200" + "8A01", true)] // length bytes cut off
    [InlineData("1300" + "82012C78BB9C7B34A3F9D128220E010010C5C6", true)] // zlib-wrapped with a broken zlib header
    public void MariaDb_compressed_blob_checks_the_stream(string hex, bool corrupt)
    {
        var column = Column(BinlogValueDecoder.MariaDbBlobCompressed, 2, collation: Binary);

        if (!corrupt)
        {
            Decode(column, hex).Should().BeOfType<byte[]>().Which.Should().HaveCount(300).And.OnlyContain(b => b == (byte)'a');
            return;
        }
        Throws(() => Decode(column, hex)).Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }

    [Fact]
    public void MariaDb_compression_methods_other_than_zlib_are_unsupported() =>
        Throws(() => Decode(Column(BinlogValueDecoder.MariaDbBlobCompressed, 1, collation: Utf8Mb4), "029000")).Kind
            .Should().Be(BinlogErrorKind.BinlogUnsupported);

    [Fact]
    public void DecodeText_falls_back_to_utf8_for_unknown_collations()
    {
        BinlogValueDecoder.DecodeText(Hex("C3A9"), -1).Should().Be("é");
        BinlogValueDecoder.DecodeText(Hex("C3A9"), 9999).Should().Be("é");
        BinlogValueDecoder.DecodeText(Hex("E9"), Latin1).Should().Be("é");
    }
}
