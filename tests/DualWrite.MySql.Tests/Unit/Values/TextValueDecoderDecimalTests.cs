using DualWrite.MySql.Replication.Protocol.Text;
using static DualWrite.MySql.Tests.Unit.Values.Columns;

namespace DualWrite.MySql.Tests.Unit.Values;

public class TextValueDecoderDecimalTests
{
    [Theory]
    [InlineData(MySqlColumnType.Double, "1e300")]
    [InlineData(MySqlColumnType.Double, "-1.7976931348623157e308")]
    [InlineData(MySqlColumnType.Float, "3.40282e38")]
    public void ParseDecimal_FloatingPointBeyondDecimalRange_IsOutOfRange(MySqlColumnType type, string text)
    {
        var act = () => TextValueDecoder.ParseDecimal(Ascii(text), Of(type));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue && e.Message.Contains("outside the range"));
    }

    [Fact]
    public void ParseDecimal_FloatingPointGarbage_IsStillAProtocolError()
    {
        var act = () => TextValueDecoder.ParseDecimal(Ascii("1.5x"), Of(MySqlColumnType.Double));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.Protocol);
    }

    [Fact]
    public void Decode_Decimal10_2_KeepsScale()
    {
        var value = TextValueDecoder.Decode(Ascii("1.50"), Decimal(10, 2)).Should().BeOfType<decimal>().Which;
        value.Should().Be(1.5m);
        value.Scale.Should().Be(2);
        value.ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Be("1.50");
    }

    [Fact]
    public void Decode_Decimal28_ReturnsSystemDecimalAtMaximum()
    {
        var column = Decimal(28, 0);
        TextValueDecoder.GetFieldType(column).Should().Be(typeof(decimal));
        TextValueDecoder.Decode(Ascii("-9999999999999999999999999999"), column).Should().Be(-9999999999999999999999999999m);
    }

    [Fact]
    public void Decode_DecimalUnsigned28_4_ReturnsSystemDecimal()
    {
        var column = Decimal(28, 4, unsigned: true);
        TextValueDecoder.GetFieldType(column).Should().Be(typeof(decimal));
        TextValueDecoder.Decode(Ascii("999999999999999999999999.9999"), column).Should().Be(999999999999999999999999.9999m);
    }

    [Fact]
    public void Decode_Decimal29_ReturnsMySqlDecimalEvenForSmallValues()
    {
        var column = Decimal(29, 0);
        TextValueDecoder.GetFieldType(column).Should().Be(typeof(ExactDecimal));
        TextValueDecoder.Decode(Ascii("1"), column).Should().BeOfType<ExactDecimal>().Which.ToString().Should().Be("1");
    }

    [Fact]
    public void Decode_Decimal65_30_ReturnsExactMySqlDecimal()
    {
        const string Text = "-12345678901234567890123456789012345.123456789012345678901234567890";
        var value = TextValueDecoder.Decode(Ascii(Text), Decimal(65, 30)).Should().BeOfType<ExactDecimal>().Which;
        value.ToString().Should().Be(Text);
        value.Precision.Should().Be(65);
        value.Scale.Should().Be(30);
        value.IsNegative.Should().BeTrue();
    }

    [Fact]
    public void Decode_Decimal65_0Max_ReturnsAllDigits()
    {
        var text = new string('9', 65);
        TextValueDecoder.Decode(Ascii(text), Decimal(65, 0)).Should().BeOfType<ExactDecimal>().Which.ToString().Should().Be(text);
    }

    [Fact]
    public void Decode_Decimal38_38_ReturnsMySqlDecimal()
    {
        var text = "0." + new string('7', 38);
        var value = TextValueDecoder.Decode(Ascii(text), Decimal(38, 38)).Should().BeOfType<ExactDecimal>().Which;
        value.Scale.Should().Be(38);
        value.ToString().Should().Be(text);
    }

    [Fact]
    public void ParseDecimal_Decimal65_30WithTrailingZeros_ReturnsExactValue()
    {
        var value = TextValueDecoder.ParseDecimal(Ascii("1.000000000000000000000000000000"), Decimal(65, 30));
        value.Should().Be(1m);
        value.Scale.Should().Be(28);
    }

    [Fact]
    public void ParseDecimal_ValueBeyondSystemDecimal_ThrowsInvalidValueNamingColumn()
    {
        var column = Of(MySqlColumnType.NewDecimal, length: 67, decimals: 30, name: "amount");
        var act = () => TextValueDecoder.ParseDecimal(Ascii("12345678901234567890123456789012345.5"), column);
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue && e.Message.Contains("'amount'") && e.Message.Contains("ExactDecimal"));
    }

    [Fact]
    public void ParseDecimal_TooManyPlaces_ThrowsInvalidValue()
    {
        var act = () => TextValueDecoder.ParseDecimal(Ascii("0.00000000000000000000000000001"), Decimal(38, 29));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue);
    }

    [Fact]
    public void ParseMySqlDecimal_SmallDecimalColumn_ReturnsText() =>
        TextValueDecoder.ParseMySqlDecimal(Ascii("-0.05"), Decimal(5, 2)).ToString().Should().Be("-0.05");

    [Fact]
    public void ParseDecimal_IntegerColumn_ReturnsValue() =>
        TextValueDecoder.ParseDecimal(Ascii("-9223372036854775808"), Of(MySqlColumnType.LongLong)).Should().Be(-9223372036854775808m);
}
