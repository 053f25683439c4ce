using System.Text;
using DualWrite.MySql.Replication.Rows;
using DualWrite.MySql.Values;
using static DualWrite.MySql.Replication.Tests.Binlog.Rows.JsonBinaryBuilder;

namespace DualWrite.MySql.Replication.Tests.Binlog.Rows;

public sealed class MySqlJsonBinaryTests
{
    private static string Json(Value value) => MySqlJsonBinary.ToJson(Document(value));

    [Fact]
    public void Literals() =>
        new[] { Json(Null), Json(True), Json(False) }.Should().Equal("null", "true", "false");

    [Fact]
    public void Integers_of_every_width()
    {
        Json(Int16(short.MinValue)).Should().Be("-32768");
        Json(UInt16(ushort.MaxValue)).Should().Be("65535");
        Json(Int32(int.MinValue)).Should().Be("-2147483648");
        Json(UInt32(uint.MaxValue)).Should().Be("4294967295");
        Json(Int64(long.MinValue)).Should().Be("-9223372036854775808");
        Json(UInt64(ulong.MaxValue)).Should().Be("18446744073709551615");
    }

    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(3.0, "3.0")]
    [InlineData(-2.0, "-2.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e14, "100000000000000.0")]
    [InlineData(1e15, "1e15")]
    [InlineData(1.5e20, "1.5e20")]
    [InlineData(123456789012345680.0, "1.2345678901234568e17")]
    [InlineData(1234567890123456.7, "1234567890123456.8")]
    [InlineData(1e-5, "0.00001")]
    [InlineData(1e-15, "0.000000000000001")]
    [InlineData(1e-16, "1e-16")]
    [InlineData(-2.5e-20, "-2.5e-20")]
    [InlineData(3.3333333333333334e-301, "3.3333333333333334e-301")]
    [InlineData(double.Epsilon, "5e-324")]
    [InlineData(double.MaxValue, "1.7976931348623157e308")]
    [InlineData(123.456, "123.456")]
    public void Doubles_print_as_my_gcvt_prints_them(double value, string expected) =>
        Json(Double(value)).Should().Be(expected);

    [Fact]
    public void Strings_escape_quotes_backslashes_and_control_characters_only()
    {
        var value = "a\"b\\c\n\t\r\b\f\u0001\u001f\u007f/é☃😀";

        Json(String(value)).Should().Be("\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001f\u007f/é☃😀\"");
    }

    [Fact]
    public void Long_strings_use_a_multi_byte_length()
    {
        var value = new string('x', 20_000);

        Json(String(value)).Should().Be("\"" + value + "\"");
    }

    [Fact]
    public void Objects_and_arrays_print_with_MySQLs_separators()
    {
        var doc = Object(false, ("a", Int16(1)), ("b", Array(false, True, Null)));

        Json(doc).Should().Be("{\"a\": 1, \"b\": [true, null]}");
    }

    [Fact]
    public void Empty_containers()
    {
        Json(Object(false)).Should().Be("{}");
        Json(Array(false)).Should().Be("[]");
        Json(Array(true, Object(true), Array(false))).Should().Be("[{}, []]");
    }

    [Fact]
    public void Nested_containers_with_every_scalar()
    {
        var doc = Object(false,
            ("i", Int32(-7)),
            ("s", String("text")),
            ("u8", UInt64(1UL << 63)),
            ("arr", Array(false, Int16(-1), UInt16(2), Double(2.5), False, Object(false, ("k", String("v"))))),
            ("obj", Object(false, ("deep", Array(false, Array(false, Null))))));

        Json(doc).Should().Be(
            "{\"i\": -7, \"s\": \"text\", \"u8\": 9223372036854775808, \"arr\": [-1, 2, 2.5, false, {\"k\": \"v\"}], \"obj\": {\"deep\": [[null]]}}");
    }

    [Fact]
    public void Large_containers_inline_32_bit_integers()
    {
        var doc = Object(true, ("a", Int32(int.MaxValue)), ("b", UInt32(uint.MaxValue)), ("c", Array(true, Int32(-5), Int16(3), True)));

        Json(doc).Should().Be("{\"a\": 2147483647, \"b\": 4294967295, \"c\": [-5, 3, true]}");
    }

    [Fact]
    public void Large_documents_beyond_64_KB()
    {
        var items = Enumerable.Range(0, 3000).Select(i => String("item-" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture) + new string('.', 20))).ToArray();
        var doc = Array(true, items);

        var text = Json(doc);

        Document(doc).Length.Should().BeGreaterThan(65536);
        text.Should().StartWith("[\"item-00000....................\", \"item-00001").And.EndWith("\"item-02999....................\"]");
    }

    [Fact]
    public void Opaque_decimal_prints_as_a_number_with_its_scale()
    {
        // Precision 6, scale 3, then decimal2bin of 123.456; and 9.00 as DECIMAL(3,2).
        Json(Opaque(MySqlColumnType.NewDecimal, [6, 3, 0x80, 0x7B, 0x01, 0xC8])).Should().Be("123.456");
        Json(Object(false, ("e", Opaque(MySqlColumnType.NewDecimal, [3, 2, 0x89, 0x00])))).Should().Be("{\"e\": 9.00}");
        Json(Opaque(MySqlColumnType.NewDecimal, [4, 2, 0x7E, 0xFE])).Should().Be("-1.01");
    }

    [Fact]
    public void Opaque_temporals_print_as_quoted_strings_with_six_fraction_digits()
    {
        Json(Temporal(MySqlColumnType.Date, 2012, 3, 18, 0, 0, 0, 0)).Should().Be("\"2012-03-18\"");
        Json(Temporal(MySqlColumnType.DateTime, 2012, 3, 18, 11, 30, 45, 0)).Should().Be("\"2012-03-18 11:30:45.000000\"");
        Json(Temporal(MySqlColumnType.Timestamp, 2024, 2, 29, 1, 2, 3, 456789)).Should().Be("\"2024-02-29 01:02:03.456789\"");
        Json(Time(false, 87, 31, 46, 654321)).Should().Be("\"87:31:46.654321\"");
        Json(Time(true, 838, 59, 59, 0)).Should().Be("\"-838:59:59.000000\"");
        Json(Time(false, 9, 10, 0, 0)).Should().Be("\"09:10:00.000000\"");
    }

    [Fact]
    public void Opaque_var_string_prints_as_a_string() =>
        Json(Opaque(MySqlColumnType.VarString, Encoding.UTF8.GetBytes("a\"b"))).Should().Be("\"a\\\"b\"");

    [Fact]
    public void Other_opaque_values_print_as_base64_with_their_type()
    {
        Json(Object(false, ("a", Opaque(MySqlColumnType.VarChar, [0x55])))).Should().Be("{\"a\": \"base64:type15:VQ==\"}");
        Json(Opaque(MySqlColumnType.Blob, [])).Should().Be("\"base64:type252:\"");
    }

    [Fact]
    public void Long_base64_breaks_lines_every_76_characters_as_MySQL_does()
    {
        var data = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        var base64 = Convert.ToBase64String(data);

        var expected = "\"base64:type252:" + base64[..76] + "\\n" + base64[76..] + "\"";
        Json(Opaque(MySqlColumnType.Blob, data)).Should().Be(expected);
    }

    [Fact]
    public void Empty_document_is_null() => MySqlJsonBinary.ToJson([]).Should().Be("null");

    public static TheoryData<string, string> Malformed => new()
    {
        { "unknown type", "0D00" },
        { "unknown literal", "0403" },
        { "truncated int64", "09010203" },
        { "truncated string", "0C05616263" },
        { "variable length of 6 bytes", "0C808080808001" },
        { "container larger than the data", "020100FF00" },
        { "container too small for its entries", "0205000500" },
        { "value offset inside the header", "020100070000020000" },
        { "value offset past the end", "020100070000FF0000" },
        { "key outside the object", "0001000B00FF000100040100" },
        { "truncated opaque", "0FF60502" },
        { "opaque decimal with trailing bytes", "0FF6050302890000" },
        { "opaque decimal with bad precision", "0FF6030002FF" },
        { "truncated temporal", "0F0C03010203" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_documents_are_corrupt(string because, string hex)
    {
        var act = () => MySqlJsonBinary.ToJson(Convert.FromHexString(hex));

        act.Should().Throw<BinlogException>(because).Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }

    [Fact]
    public void Nesting_deeper_than_100_levels_is_corrupt()
    {
        var value = Null;
        for (var i = 0; i < 101; i++)
        {
            value = Array(false, value);
        }

        var act = () => MySqlJsonBinary.ToJson(Document(value));

        act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }

    [Fact]
    public void Nesting_of_100_levels_is_fine()
    {
        var value = Null;
        for (var i = 0; i < 100; i++)
        {
            value = Array(false, value);
        }

        Json(value).Should().Be(new string('[', 100) + "null" + new string(']', 100));
    }

    [Fact]
    public void Offsets_that_share_data_cannot_blow_up_the_output()
    {
        // Each array has two entries pointing at the same inner array, which does the same: 2^depth elements.
        var bytes = new List<byte>();
        const int Depth = 40;
        // Build from the innermost array outwards; every array is [x, x] where x is the next array at offset 10.
        var inner = new List<byte> { 0x01, 0x00, 0x07, 0x00, 0x04, 0x00, 0x00 }; // [null]
        for (var i = 0; i < Depth; i++)
        {
            var size = 10 + inner.Count;
            var outer = new List<byte> { 0x02, 0x00, (byte)size, (byte)(size >> 8), 0x02, 0x0A, 0x00, 0x02, 0x0A, 0x00 };
            outer.AddRange(inner);
            inner = outer;
        }
        bytes.Add(0x02);
        bytes.AddRange(inner);

        var act = () => MySqlJsonBinary.ToJson(bytes.ToArray());

        act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }
}
