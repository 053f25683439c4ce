using System.Buffers;
using System.Numerics;
using DualWrite.MySql.Replication.Protocol.Text;
using static DualWrite.MySql.Tests.Unit.Values.SqlLiteralWriterEscapingTests;

namespace DualWrite.MySql.Tests.Unit.Values;

public class SqlLiteralWriterValueTests
{
    private enum Small : byte
    {
        Two = 2,
    }

    private enum Signed : long
    {
        Negative = -5,
    }

    private enum Huge : ulong
    {
        Max = ulong.MaxValue,
    }

    [Fact]
    public void Write_NullAndDBNull_AreNull()
    {
        Literal(null).Should().Be("NULL");
        Literal(DBNull.Value).Should().Be("NULL");
    }

    [Fact]
    public void Write_Bool_IsKeyword()
    {
        Literal(true).Should().Be("TRUE");
        Literal(false).Should().Be("FALSE");
    }

    public static TheoryData<object, string> Integers => new()
    {
        { sbyte.MinValue, "-128" },
        { byte.MaxValue, "255" },
        { short.MinValue, "-32768" },
        { ushort.MaxValue, "65535" },
        { int.MinValue, "-2147483648" },
        { uint.MaxValue, "4294967295" },
        { long.MinValue, "-9223372036854775808" },
        { ulong.MaxValue, "18446744073709551615" },
        { Int128.MinValue, "-170141183460469231731687303715884105728" },
        { UInt128.MaxValue, "340282366920938463463374607431768211455" },
    };

    [Theory]
    [MemberData(nameof(Integers))]
    public void Write_Integer_IsInvariantDigits(object value, string expected) => Literal(value).Should().Be(expected);

    [Fact]
    public void Write_HugeBigInteger_IsAllDigits()
    {
        var big = BigInteger.Pow(10, 200) * -7;
        Literal(big).Should().Be("-7" + new string('0', 200));
    }

    [Fact]
    public void Write_Decimal_KeepsScale()
    {
        Literal(1.50m).Should().Be("1.50");
        Literal(-0.0001m).Should().Be("-0.0001");
        Literal(decimal.MaxValue).Should().Be("79228162514264337593543950335");
    }

    [Fact]
    public void Write_MySqlDecimal_IsItsText() =>
        Literal(ExactDecimal.Parse("-12345678901234567890123456789012345.123456789012345678901234567890"))
            .Should().Be("-12345678901234567890123456789012345.123456789012345678901234567890");

    [Fact]
    public void Write_Double_IsShortestRoundTrip()
    {
        Literal(0.1).Should().Be("0.1");
        Literal(double.MaxValue).Should().Be("1.7976931348623157E+308");
        Literal(-5e-324).Should().Be("-5E-324");
        Literal(0.1f).Should().Be("0.1");
        Literal(16777216f).Should().Be("16777216");
    }

    [Fact]
    public void Write_SingleWhoseShortestTextLeavesFloatRange_IsItsExactDoubleValue()
    {
        // 3.4028235E+38 is above FLT_MAX once the server reads it as a double.
        Literal(float.MaxValue).Should().Be("3.4028234663852886E+38");
        Literal(-float.MaxValue).Should().Be("-3.4028234663852886E+38");
        float.Parse(Literal(float.MaxValue), System.Globalization.CultureInfo.InvariantCulture).Should().Be(float.MaxValue);
        double.Parse(Literal(float.MaxValue), System.Globalization.CultureInfo.InvariantCulture).Should().BeLessThanOrEqualTo(float.MaxValue);
    }

    [Fact]
    public void Write_SingleWithinRange_KeepsItsShortestText()
    {
        Literal(float.Epsilon).Should().Be("1E-45");
        Literal(3.40282e38f).Should().Be("3.40282E+38");
        Literal(-1.17549435E-38f).Should().Be("-1.1754944E-38");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Write_NonFiniteDouble_ThrowsInvalidValue(double value)
    {
        var act = () => Literal(value);
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue);
    }

    [Fact]
    public void Write_NaNSingle_ThrowsInvalidValue()
    {
        var act = () => Literal(float.NaN);
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue && e.Message.Contains("NaN"));
    }

    [Fact]
    public void Write_ByteArray_IsHexLiteral()
    {
        Literal(new byte[] { 0x00, 0x27, 0x5C, 0xAB, 0xFF }).Should().Be("X'00275CABFF'");
        Literal(Array.Empty<byte>()).Should().Be("X''");
    }

    [Fact]
    public void Write_ByteMemoryKinds_WriteOnlyTheirSlice()
    {
        var bytes = new byte[] { 1, 2, 3, 4 };
        Literal(new ReadOnlyMemory<byte>(bytes, 1, 2)).Should().Be("X'0203'");
        Literal(new Memory<byte>(bytes, 2, 2)).Should().Be("X'0304'");
        Literal(new ArraySegment<byte>(bytes, 0, 1)).Should().Be("X'01'");
    }

    [Fact]
    public void Write_TwentyMiBBlob_IsCompleteHex()
    {
        var blob = new byte[20 * 1024 * 1024];
        new Random(7).NextBytes(blob);
        var buffer = new ArrayBufferWriter<byte>();
        SqlLiteralWriter.Write(buffer, blob);
        buffer.WrittenCount.Should().Be((blob.Length * 2) + 3);
        var hex = System.Text.Encoding.ASCII.GetString(buffer.WrittenSpan[2..^1]);
        Convert.FromHexString(hex).Should().Equal(blob);
    }

    [Fact]
    public void Write_Guid_IsQuoted36Chars() =>
        Literal(new Guid("0f8fad5b-d9cb-469f-a165-70867728950e")).Should().Be("'0f8fad5b-d9cb-469f-a165-70867728950e'");

    [Fact]
    public void Write_DateTime_HasSixFractionalDigits()
    {
        Literal(new DateTime(2024, 2, 29, 13, 4, 5).AddTicks(1_234_567)).Should().Be("'2024-02-29 13:04:05.123456'");
        Literal(new DateTime(1, 1, 1)).Should().Be("'0001-01-01 00:00:00.000000'");
        Literal(DateTime.MaxValue).Should().Be("'9999-12-31 23:59:59.999999'");
    }

    [Fact]
    public void Write_DateTimeKindIsIgnored() =>
        Literal(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)).Should().Be("'2024-01-01 00:00:00.000000'");

    [Fact]
    public void Write_DateOnly_IsQuotedDate() => Literal(new DateOnly(987, 6, 5)).Should().Be("'0987-06-05'");

    [Fact]
    public void Write_TimeOnly_HasSixFractionalDigits() =>
        Literal(new TimeOnly(23, 59, 58, 7, 8)).Should().Be("'23:59:58.007008'");

    [Theory]
    [InlineData(0L, "'0:00:00.000000'")]
    [InlineData(-3_020_399_0000000L, "'-838:59:59.000000'")]
    [InlineData(3_020_399_9999990L, "'838:59:59.999999'")]
    [InlineData(-1_5000000L, "'-0:00:01.500000'")]
    [InlineData(90_061_0000010L, "'25:01:01.000001'")]
    public void Write_TimeSpan_UsesTotalHours(long ticks, string expected) =>
        Literal(new TimeSpan(ticks)).Should().Be(expected);

    [Fact]
    public void Write_TimeSpanMinValue_DoesNotOverflow() =>
        Literal(TimeSpan.MinValue).Should().Be("'-256204778:48:05.477580'");

    [Fact]
    public void Write_MySqlDateTime_IsQuotedText()
    {
        Literal(default(MySqlDateTime)).Should().Be("'0000-00-00 00:00:00'");
        Literal(new MySqlDateTime(2024, 0, 15, 1, 2, 3, 40)).Should().Be("'2024-00-15 01:02:03.000040'");
    }

    [Fact]
    public void Write_Enum_IsUnderlyingInteger()
    {
        Literal(Small.Two).Should().Be("2");
        Literal(Signed.Negative).Should().Be("-5");
        Literal(Huge.Max).Should().Be("18446744073709551615");
        Literal(DayOfWeek.Friday).Should().Be("5");
    }

    [Fact]
    public void Write_DateTimeOffset_ThrowsInvalidValueSuggestingDateTime()
    {
        var act = () => Literal(DateTimeOffset.UnixEpoch);
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue && e.Message.Contains("DateTime"));
    }

    [Fact]
    public void Write_UnsupportedType_ThrowsInvalidValueNamingType()
    {
        var act = () => Literal(new Uri("http://example.com"));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue && e.Message.Contains("System.Uri"));
    }

    [Fact]
    public void Write_AppendsToExistingContent()
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("SELECT "u8);
        SqlLiteralWriter.Write(buffer, 42);
        buffer.Write(", "u8);
        SqlLiteralWriter.Write(buffer, "a");
        System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan).Should().Be("SELECT 42, 'a'");
    }
}
