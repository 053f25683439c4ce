using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Replication.Protocol.Text;
using static DualWrite.MySql.Tests.Unit.Values.Columns;

namespace DualWrite.MySql.Tests.Unit.Values;

public class TextValueDecoderIntegerTests
{
    [Fact]
    public void Decode_TinyintMinAndMax_ReturnsSByteLimits()
    {
        var column = Of(MySqlColumnType.Tiny);
        TextValueDecoder.Decode(Ascii("-128"), column).Should().BeOfType<sbyte>().Which.Should().Be(sbyte.MinValue);
        TextValueDecoder.Decode(Ascii("127"), column).Should().BeOfType<sbyte>().Which.Should().Be(sbyte.MaxValue);
    }

    [Fact]
    public void Decode_TinyintUnsignedMax_ReturnsByteMax()
    {
        var column = Unsigned(MySqlColumnType.Tiny);
        TextValueDecoder.Decode(Ascii("255"), column).Should().BeOfType<byte>().Which.Should().Be(byte.MaxValue);
        TextValueDecoder.Decode(Ascii("0"), column).Should().BeOfType<byte>().Which.Should().Be(0);
    }

    [Fact]
    public void Decode_SmallintMinAndMax_ReturnsInt16Limits()
    {
        var column = Of(MySqlColumnType.Short);
        TextValueDecoder.Decode(Ascii("-32768"), column).Should().BeOfType<short>().Which.Should().Be(short.MinValue);
        TextValueDecoder.Decode(Ascii("32767"), column).Should().BeOfType<short>().Which.Should().Be(short.MaxValue);
    }

    [Fact]
    public void Decode_SmallintUnsignedMax_ReturnsUInt16Max() =>
        TextValueDecoder.Decode(Ascii("65535"), Unsigned(MySqlColumnType.Short)).Should().BeOfType<ushort>().Which.Should().Be(ushort.MaxValue);

    [Fact]
    public void Decode_MediumintMinAndMax_ReturnsInt32()
    {
        var column = Of(MySqlColumnType.Int24);
        TextValueDecoder.Decode(Ascii("-8388608"), column).Should().BeOfType<int>().Which.Should().Be(-8388608);
        TextValueDecoder.Decode(Ascii("8388607"), column).Should().BeOfType<int>().Which.Should().Be(8388607);
    }

    [Fact]
    public void Decode_MediumintUnsignedMax_ReturnsUInt32() =>
        TextValueDecoder.Decode(Ascii("16777215"), Unsigned(MySqlColumnType.Int24)).Should().BeOfType<uint>().Which.Should().Be(16777215u);

    [Fact]
    public void Decode_IntMinAndMax_ReturnsInt32Limits()
    {
        var column = Of(MySqlColumnType.Long);
        TextValueDecoder.Decode(Ascii("-2147483648"), column).Should().BeOfType<int>().Which.Should().Be(int.MinValue);
        TextValueDecoder.Decode(Ascii("2147483647"), column).Should().BeOfType<int>().Which.Should().Be(int.MaxValue);
    }

    [Fact]
    public void Decode_IntUnsignedMax_ReturnsUInt32Max() =>
        TextValueDecoder.Decode(Ascii("4294967295"), Unsigned(MySqlColumnType.Long)).Should().BeOfType<uint>().Which.Should().Be(uint.MaxValue);

    [Fact]
    public void Decode_BigintMinAndMax_ReturnsInt64Limits()
    {
        var column = Of(MySqlColumnType.LongLong);
        TextValueDecoder.Decode(Ascii("-9223372036854775808"), column).Should().BeOfType<long>().Which.Should().Be(long.MinValue);
        TextValueDecoder.Decode(Ascii("9223372036854775807"), column).Should().BeOfType<long>().Which.Should().Be(long.MaxValue);
    }

    [Fact]
    public void Decode_BigintUnsignedMax_ReturnsUInt64Max() =>
        TextValueDecoder.Decode(Ascii("18446744073709551615"), Unsigned(MySqlColumnType.LongLong)).Should().BeOfType<ulong>().Which.Should().Be(ulong.MaxValue);

    [Fact]
    public void Decode_ZerofillBigintUnsigned_IgnoresLeadingZeros() =>
        TextValueDecoder.Decode(Ascii("00000000000000000042"), Of(MySqlColumnType.LongLong, ColumnFlags.Unsigned | ColumnFlags.ZeroFill))
            .Should().Be(42UL);

    [Fact]
    public void Decode_Year_ReturnsInt16()
    {
        TextValueDecoder.Decode(Ascii("2024"), Unsigned(MySqlColumnType.Year)).Should().BeOfType<short>().Which.Should().Be(2024);
        TextValueDecoder.Decode(Ascii("0000"), Unsigned(MySqlColumnType.Year)).Should().BeOfType<short>().Which.Should().Be(0);
    }

    [Theory]
    [InlineData(MySqlColumnType.Tiny, false, typeof(sbyte))]
    [InlineData(MySqlColumnType.Tiny, true, typeof(byte))]
    [InlineData(MySqlColumnType.Short, false, typeof(short))]
    [InlineData(MySqlColumnType.Short, true, typeof(ushort))]
    [InlineData(MySqlColumnType.Int24, false, typeof(int))]
    [InlineData(MySqlColumnType.Int24, true, typeof(uint))]
    [InlineData(MySqlColumnType.Long, false, typeof(int))]
    [InlineData(MySqlColumnType.Long, true, typeof(uint))]
    [InlineData(MySqlColumnType.LongLong, false, typeof(long))]
    [InlineData(MySqlColumnType.LongLong, true, typeof(ulong))]
    [InlineData(MySqlColumnType.Year, true, typeof(short))]
    [InlineData(MySqlColumnType.Float, false, typeof(float))]
    [InlineData(MySqlColumnType.Double, false, typeof(double))]
    [InlineData(MySqlColumnType.Bit, true, typeof(ulong))]
    public void GetFieldType_NumericColumn_MatchesDecodedType(MySqlColumnType type, bool unsigned, Type expected)
    {
        var column = Of(type, unsigned ? ColumnFlags.Unsigned : ColumnFlags.None);
        TextValueDecoder.GetFieldType(column).Should().Be(expected);
        var sample = type == MySqlColumnType.Bit ? new byte[] { 1 } : Ascii("1");
        TextValueDecoder.Decode(sample, column).Should().BeOfType(expected);
    }

    [Fact]
    public void Decode_Float_ReturnsExactSingle() =>
        TextValueDecoder.Decode(Ascii("3.14159"), Of(MySqlColumnType.Float)).Should().BeOfType<float>().Which.Should().Be(3.14159f);

    [Fact]
    public void Decode_DoubleWithExponent_ReturnsDouble()
    {
        TextValueDecoder.Decode(Ascii("1.7976931348623157e308"), Of(MySqlColumnType.Double)).Should().Be(double.MaxValue);
        TextValueDecoder.Decode(Ascii("-2.2250738585072014e-308"), Of(MySqlColumnType.Double)).Should().Be(-2.2250738585072014e-308);
        TextValueDecoder.Decode(Ascii("0.1"), Of(MySqlColumnType.Double)).Should().Be(0.1);
    }

    [Fact]
    public void Decode_Bit1_ReturnsZeroOrOne()
    {
        var column = Unsigned(MySqlColumnType.Bit);
        TextValueDecoder.Decode(new byte[] { 0x01 }, column).Should().Be(1UL);
        TextValueDecoder.Decode(new byte[] { 0x00 }, column).Should().Be(0UL);
    }

    [Fact]
    public void Decode_Bit64_ReadsBigEndianBytes()
    {
        var column = Unsigned(MySqlColumnType.Bit);
        TextValueDecoder.Decode(new byte[] { 0x80, 0, 0, 0, 0, 0, 0, 0x01 }, column).Should().Be(0x8000_0000_0000_0001UL);
        TextValueDecoder.Decode(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, column).Should().Be(ulong.MaxValue);
    }

    [Fact]
    public void Decode_Bit10_ReadsTwoBytes() =>
        TextValueDecoder.Decode(new byte[] { 0x02, 0x01 }, Unsigned(MySqlColumnType.Bit)).Should().Be(0x0201UL);
}
