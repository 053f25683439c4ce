using System.Globalization;
using DualWrite.MySql.Replication.Rows;
using DualWrite.MySql.Values;
using static DualWrite.MySql.Replication.Tests.Binlog.Rows.RowsTestData;

namespace DualWrite.MySql.Replication.Tests.Binlog.Rows;

public sealed class BinlogValueDecoderNumericTests
{
    public static TheoryData<MySqlColumnType, bool, string, object> Integers => new()
    {
        { MySqlColumnType.Tiny, false, "80", (sbyte)-128 },
        { MySqlColumnType.Tiny, false, "7F", (sbyte)127 },
        { MySqlColumnType.Tiny, false, "FF", (sbyte)-1 },
        { MySqlColumnType.Tiny, true, "00", (byte)0 },
        { MySqlColumnType.Tiny, true, "FF", (byte)255 },
        { MySqlColumnType.Short, false, "0080", (short)-32768 },
        { MySqlColumnType.Short, false, "FF7F", (short)32767 },
        { MySqlColumnType.Short, true, "FFFF", (ushort)65535 },
        { MySqlColumnType.Int24, false, "000080", -8388608 },
        { MySqlColumnType.Int24, false, "FFFF7F", 8388607 },
        { MySqlColumnType.Int24, false, "FFFFFF", -1 },
        { MySqlColumnType.Int24, true, "FFFFFF", 16777215u },
        { MySqlColumnType.Int24, true, "000000", 0u },
        { MySqlColumnType.Long, false, "00000080", int.MinValue },
        { MySqlColumnType.Long, false, "FFFFFF7F", int.MaxValue },
        { MySqlColumnType.Long, true, "FFFFFFFF", uint.MaxValue },
        { MySqlColumnType.LongLong, false, "0000000000000080", long.MinValue },
        { MySqlColumnType.LongLong, false, "FFFFFFFFFFFFFF7F", long.MaxValue },
        { MySqlColumnType.LongLong, false, "C2E32320FDFFFFFF", -12345678910L },
        { MySqlColumnType.LongLong, true, "FFFFFFFFFFFFFFFF", ulong.MaxValue },
    };

    [Theory]
    [MemberData(nameof(Integers))]
    public void Integers_decode_little_endian_to_the_text_protocol_type(MySqlColumnType type, bool unsigned, string hex, object expected)
    {
        var value = Decode(Column(type, unsigned: unsigned), hex);

        value.Should().BeOfType(expected.GetType()).And.Be(expected);
    }

    [Theory]
    [InlineData("0000C0BF", -1.5f)]
    [InlineData("00000000", 0f)]
    [InlineData("CDCCCC3D", 0.1f)]
    [InlineData("DB0F4940", 3.14159f)] // pi as a float prints as 3.14159
    [InlineData("FFFF7F4B", 16777200f)] // 16777215 prints as 16777200 (6 significant digits)
    [InlineData("FFFF7F7F", 3.40282e38f)] // float.MaxValue prints as 3.40282e38
    [InlineData("28B49649", 1234560f)] // 1234565 is a tie: rounded half to even, as the server prints it
    [InlineData("38B49649", 1234570f)] // 1234567
    [InlineData("FFFF7FFF", -3.40282e38f)]
    public void Float_is_the_value_the_server_prints_with_six_significant_digits(string hex, float expected)
    {
        var value = Decode(Column(MySqlColumnType.Float, 4), hex);

        value.Should().BeOfType<float>().And.Be(expected);
    }

    [Fact]
    public void FloatAsServerPrints_keeps_values_with_few_digits_and_rounds_long_ones()
    {
        BinlogValueDecoder.FloatAsServerPrints(float.Epsilon).Should().Be(1.4013e-45f);
        BinlogValueDecoder.FloatAsServerPrints(-1.17549435e-38f).Should().Be(-1.17549e-38f);
        BinlogValueDecoder.FloatAsServerPrints(999999.94f).Should().Be(1000000f);
        BinlogValueDecoder.FloatAsServerPrints(12.5f).Should().Be(12.5f);
        BinlogValueDecoder.FloatAsServerPrints(float.NaN).Should().Be(float.NaN);
    }

    [Theory]
    [InlineData("00000000000002C0", -2.25)]
    [InlineData("FFFFFFFFFFFFEF7F", double.MaxValue)]
    [InlineData("9A9999999999B93F", 0.1)]
    [InlineData("0100000000000000", double.Epsilon)]
    public void Double_decodes_exactly(string hex, double expected)
    {
        var value = Decode(Column(MySqlColumnType.Double, 8), hex);

        value.Should().BeOfType<double>().And.Be(expected);
    }

    [Theory]
    [InlineData("00", 0)]
    [InlineData("01", 1901)]
    [InlineData("7C", 2024)]
    [InlineData("FF", 2155)]
    public void Year_is_a_short_from_1901_with_zero_kept(string hex, short expected)
    {
        var value = Decode(Column(MySqlColumnType.Year, unsigned: true), hex);

        value.Should().BeOfType<short>().And.Be(expected);
    }

    [Theory]
    [InlineData(0x0001, "01", 1UL)] // BIT(1)
    [InlineData(0x0001, "00", 0UL)]
    [InlineData(0x0003, "04", 4UL)] // BIT(3)
    [InlineData(0x0100, "20", 32UL)] // BIT(8)
    [InlineData(0x0102, "0200", 512UL)] // BIT(10): 2 bytes, big-endian
    [InlineData(0x0102, "03FF", 1023UL)]
    [InlineData(0x0800, "FFFFFFFFFFFFFFFF", ulong.MaxValue)] // BIT(64)
    [InlineData(0x0800, "0000000000000001", 1UL)]
    [InlineData(0x0701, "0102030405060708", 0x0102030405060708UL)] // BIT(57)
    public void Bit_is_a_big_endian_ulong(int metadata, string hex, ulong expected)
    {
        var value = Decode(Column(MySqlColumnType.Bit, metadata), hex);

        value.Should().BeOfType<ulong>().And.Be(expected);
    }

    [Theory]
    [InlineData(0x0000)] // no bytes at all
    [InlineData(0x0900)] // 9 bytes
    [InlineData(0x0801)] // 8 bytes and one bit
    public void Bit_with_impossible_metadata_is_corrupt(int metadata)
    {
        var e = Throws(() => Decode(Column(MySqlColumnType.Bit, metadata), "00000000000000000000"));

        e.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }

    [Theory]
    [InlineData(10, 2, "8000000132", "1.50")]
    [InlineData(10, 2, "7F439EB1A5", "-12345678.90")]
    [InlineData(10, 2, "8000000000", "0.00")]
    [InlineData(10, 2, "85F5E0FF63", "99999999.99")]
    [InlineData(10, 2, "7FFFFFFFFE", "-0.01")]
    [InlineData(5, 5, "803039", "0.12345")]
    [InlineData(8, 4, "84D2162E", "1234.5678")]
    [InlineData(28, 0, "76C4653600C4653600C4653600", "-9999999999999999999999999999")]
    public void Decimal_up_to_precision_28_is_a_decimal_with_its_scale(int precision, int scale, string hex, string expected)
    {
        var value = Decode(Column(MySqlColumnType.NewDecimal, (precision << 8) | scale), hex);

        value.Should().BeOfType<decimal>();
        ((decimal)value).ToString(CultureInfo.InvariantCulture).Should().Be(expected);
    }

    [Theory]
    [InlineData(29, 0, "8C149AA4350DFB38D2075BCD15", "12345678901234567890123456789")]
    [InlineData(65, 30, "7F439EB1CA484078CAF1CB3FD0F8A086F8A432EAFF439EB1CA484078FC85",
        "-12345678901234567890123456789012345.123456789012345678901234567890")]
    [InlineData(65, 30, "85F5E0FF3B9AC9FF3B9AC9FF3B9AC9FF3B9AC9FF3B9AC9FF3B9AC9FF03E7",
        "99999999999999999999999999999999999.999999999999999999999999999999")]
    [InlineData(65, 30, "800000000000000000000000000000000000000000000000000000000001", "0.000000000000000000000000000001")]
    public void Decimal_beyond_precision_28_is_an_exact_MySqlDecimal(int precision, int scale, string hex, string expected)
    {
        var value = Decode(Column(MySqlColumnType.NewDecimal, (precision << 8) | scale), hex);

        value.Should().BeOfType<ExactDecimal>();
        value.ToString().Should().Be(expected);
    }

    [Theory]
    [InlineData(0x0A02, "85F5E10000")] // the 8-digit integer group holding 100000000
    [InlineData(0x0A02, "800000016400")] // the 2-digit fraction holding 100
    [InlineData(0x0000, "80")] // precision 0
    [InlineData(0x4200, "80")] // precision 66
    [InlineData(0x0A0B, "80")] // scale above precision
    [InlineData(0x4120, "80")] // scale 32
    public void Decimal_with_impossible_digits_or_metadata_is_corrupt(int metadata, string hex)
    {
        var e = Throws(() => Decode(Column(MySqlColumnType.NewDecimal, metadata), hex));

        e.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }
}
