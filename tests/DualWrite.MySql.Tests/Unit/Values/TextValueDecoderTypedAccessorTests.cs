using DualWrite.MySql.Replication.Protocol.Text;
using static DualWrite.MySql.Tests.Unit.Values.Columns;

namespace DualWrite.MySql.Tests.Unit.Values;

public class TextValueDecoderTypedAccessorTests
{
    [Fact]
    public void ParseInt64_BigintMin_ReturnsMin() =>
        TextValueDecoder.ParseInt64(Ascii("-9223372036854775808"), Of(MySqlColumnType.LongLong)).Should().Be(long.MinValue);

    [Fact]
    public void ParseInt64_UnsignedAboveInt64_ThrowsInvalidValue()
    {
        var act = () => TextValueDecoder.ParseInt64(Ascii("18446744073709551615"), Unsigned(MySqlColumnType.LongLong));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue && e.Message.Contains("Int64"));
    }

    [Fact]
    public void ParseInt64_IntegralSumResult_ReturnsValue() =>
        TextValueDecoder.ParseInt64(Ascii("123456789012"), Decimal(32, 0)).Should().Be(123456789012L);

    [Fact]
    public void ParseInt64_FractionalDecimal_ThrowsInvalidValue()
    {
        var act = () => TextValueDecoder.ParseInt64(Ascii("1.5"), Decimal(10, 1));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue);
    }

    [Fact]
    public void ParseInt64_TextColumnWithLetters_ThrowsInvalidValue()
    {
        var act = () => TextValueDecoder.ParseInt64("abc"u8, Text(MySqlColumnType.VarString, Utf8Mb4));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue);
    }

    [Fact]
    public void ParseInt64_IntColumnWithLetters_ThrowsProtocol()
    {
        var act = () => TextValueDecoder.ParseInt64("abc"u8, Of(MySqlColumnType.Long));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.Protocol);
    }

    [Fact]
    public void ParseUInt64_Max_ReturnsMax() =>
        TextValueDecoder.ParseUInt64(Ascii("18446744073709551615"), Unsigned(MySqlColumnType.LongLong)).Should().Be(ulong.MaxValue);

    [Fact]
    public void ParseUInt64_Negative_ThrowsInvalidValue()
    {
        var act = () => TextValueDecoder.ParseUInt64(Ascii("-1"), Of(MySqlColumnType.LongLong));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue);
    }

    [Fact]
    public void ParseInt32_IntMinAndMax_ReturnLimits()
    {
        TextValueDecoder.ParseInt32(Ascii("-2147483648"), Of(MySqlColumnType.Long)).Should().Be(int.MinValue);
        TextValueDecoder.ParseInt32(Ascii("2147483647"), Of(MySqlColumnType.Long)).Should().Be(int.MaxValue);
    }

    [Fact]
    public void ParseInt32_BigintBeyondInt32_ThrowsInvalidValue()
    {
        var act = () => TextValueDecoder.ParseInt32(Ascii("2147483648"), Of(MySqlColumnType.LongLong, name: "big"));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue && e.Message.Contains("'big'"));
    }

    [Fact]
    public void ParseInt64_Bit64AboveInt64_ThrowsInvalidValue()
    {
        var act = () => TextValueDecoder.ParseInt64(new byte[] { 0xFF, 0, 0, 0, 0, 0, 0, 0 }, Unsigned(MySqlColumnType.Bit));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue);
    }

    [Fact]
    public void ParseBit_IntegerColumn_ReadsDigits() =>
        TextValueDecoder.ParseBit(Ascii("300"), Of(MySqlColumnType.Long)).Should().Be(300UL);

    [Fact]
    public void ParseDouble_DecimalColumn_ReturnsNearestDouble() =>
        TextValueDecoder.ParseDouble(Ascii("12345678901234567890123456789012345.5"), Decimal(65, 30)).Should().Be(1.2345678901234568e34);

    [Fact]
    public void ParseSingle_DoubleBeyondSingleRange_ThrowsInvalidValue()
    {
        var act = () => TextValueDecoder.ParseSingle(Ascii("1e300"), Of(MySqlColumnType.Double));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue);
    }

    [Fact]
    public void ParseSingle_Float_ReturnsValue() =>
        TextValueDecoder.ParseSingle(Ascii("-1.17549e-38"), Of(MySqlColumnType.Float)).Should().Be(-1.17549e-38f);

    [Fact]
    public void ParseDecimal_DoubleColumnWithExponent_ReturnsValue() =>
        TextValueDecoder.ParseDecimal(Ascii("1.5e3"), Of(MySqlColumnType.Double)).Should().Be(1500m);

    [Fact]
    public void ParseDateTime_DateTime6_ReturnsExactTicks() =>
        TextValueDecoder.ParseDateTime(Ascii("2000-01-02 03:04:05.678901"), Of(MySqlColumnType.DateTime, decimals: 6))
            .Ticks.Should().Be(new DateTime(2000, 1, 2, 3, 4, 5).Ticks + 6_789_010);

    [Fact]
    public void ParseTime_TimeColumn_ReturnsNegative() =>
        TextValueDecoder.ParseTime(Ascii("-12:34:56.5"), Of(MySqlColumnType.Time)).Should().Be(-new TimeSpan(0, 12, 34, 56, 500));

    [Fact]
    public void ParseTime_TextColumnNotATime_ThrowsInvalidValue()
    {
        var act = () => TextValueDecoder.ParseTime("noon"u8, Text(MySqlColumnType.VarString, Utf8Mb4));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue);
    }
}
