using DualWrite.MySql.Replication.Protocol.Text;
using static DualWrite.MySql.Tests.Unit.Values.Columns;

namespace DualWrite.MySql.Tests.Unit.Values;

public class TextValueDecoderTemporalTests
{
    [Fact]
    public void Decode_Date_ReturnsMidnightUnspecified()
    {
        var value = TextValueDecoder.Decode(Ascii("2024-02-29"), Of(MySqlColumnType.Date)).Should().BeOfType<DateTime>().Which;
        value.Should().Be(new DateTime(2024, 2, 29));
        value.TimeOfDay.Should().Be(TimeSpan.Zero);
        value.Kind.Should().Be(DateTimeKind.Unspecified);
    }

    [Fact]
    public void Decode_DateTimeWithoutFraction_ReturnsDateTime()
    {
        var value = TextValueDecoder.Decode(Ascii("9999-12-31 23:59:59"), Of(MySqlColumnType.DateTime)).Should().BeOfType<DateTime>().Which;
        value.Should().Be(new DateTime(9999, 12, 31, 23, 59, 59));
        value.Kind.Should().Be(DateTimeKind.Unspecified);
    }

    [Theory]
    [InlineData("2024-05-06 07:08:09.1", 1_000_000)]
    [InlineData("2024-05-06 07:08:09.12", 1_200_000)]
    [InlineData("2024-05-06 07:08:09.123", 1_230_000)]
    [InlineData("2024-05-06 07:08:09.1234", 1_234_000)]
    [InlineData("2024-05-06 07:08:09.12345", 1_234_500)]
    [InlineData("2024-05-06 07:08:09.123456", 1_234_560)]
    [InlineData("2024-05-06 07:08:09.000001", 10)]
    public void Decode_DateTimeWithFraction_IsExactToTheMicrosecond(string text, long ticksIntoSecond)
    {
        var value = (DateTime)TextValueDecoder.Decode(Ascii(text), Of(MySqlColumnType.DateTime, decimals: (byte)(text.Length - 20)));
        value.Should().Be(new DateTime(2024, 5, 6, 7, 8, 9).AddTicks(ticksIntoSecond));
    }

    [Fact]
    public void Decode_Timestamp_ReturnsDateTime() =>
        TextValueDecoder.Decode(Ascii("1970-01-01 00:00:01.500000"), Of(MySqlColumnType.Timestamp, decimals: 6))
            .Should().Be(new DateTime(1970, 1, 1, 0, 0, 1, 500));

    [Fact]
    public void Decode_ZeroDate_ReturnsZeroMySqlDateTime()
    {
        var value = TextValueDecoder.Decode(Ascii("0000-00-00"), Of(MySqlColumnType.Date)).Should().BeOfType<MySqlDateTime>().Which;
        value.IsZero.Should().BeTrue();
        value.IsValidDateTime.Should().BeFalse();
    }

    [Fact]
    public void Decode_ZeroDateTime_ReturnsMySqlDateTime() =>
        TextValueDecoder.Decode(Ascii("0000-00-00 00:00:00"), Of(MySqlColumnType.DateTime))
            .Should().BeOfType<MySqlDateTime>().Which.IsZero.Should().BeTrue();

    [Fact]
    public void Decode_ZeroMonth_ReturnsMySqlDateTimeWithParts()
    {
        var value = TextValueDecoder.Decode(Ascii("2024-00-15 10:11:12"), Of(MySqlColumnType.DateTime)).Should().BeOfType<MySqlDateTime>().Which;
        value.Year.Should().Be(2024);
        value.Month.Should().Be(0);
        value.Day.Should().Be(15);
        value.Hour.Should().Be(10);
        value.IsZero.Should().BeFalse();
    }

    [Fact]
    public void Decode_ZeroDay_ReturnsMySqlDateTime() =>
        TextValueDecoder.Decode(Ascii("2024-03-00"), Of(MySqlColumnType.Date)).Should().Be(new MySqlDateTime(2024, 3, 0));

    [Fact]
    public void Decode_InvalidDayAllowedByServer_ReturnsMySqlDateTime() =>
        TextValueDecoder.Decode(Ascii("2023-02-30"), Of(MySqlColumnType.Date)).Should().Be(new MySqlDateTime(2023, 2, 30));

    [Fact]
    public void GetFieldType_DateColumns_IsDateTime()
    {
        TextValueDecoder.GetFieldType(Of(MySqlColumnType.Date)).Should().Be(typeof(DateTime));
        TextValueDecoder.GetFieldType(Of(MySqlColumnType.DateTime)).Should().Be(typeof(DateTime));
        TextValueDecoder.GetFieldType(Of(MySqlColumnType.Timestamp)).Should().Be(typeof(DateTime));
        TextValueDecoder.GetFieldType(Of(MySqlColumnType.Time)).Should().Be(typeof(TimeSpan));
    }

    [Fact]
    public void ParseDateTime_ZeroDate_ThrowsInvalidValueSuggestingMySqlDateTime()
    {
        var act = () => TextValueDecoder.ParseDateTime(Ascii("0000-00-00 00:00:00"), Of(MySqlColumnType.DateTime, name: "created"));
        act.Should().Throw<MySqlException>()
            .Where(e => e.Kind == MySqlErrorKind.InvalidValue && e.Message.Contains("'created'") && e.Message.Contains("MySqlDateTime"));
    }

    [Fact]
    public void ParseMySqlDateTime_ZeroDate_ReturnsZero() =>
        TextValueDecoder.ParseMySqlDateTime(Ascii("0000-00-00 00:00:00"), Of(MySqlColumnType.DateTime)).IsZero.Should().BeTrue();

    [Theory]
    [InlineData("00:00:00", 0L)]
    [InlineData("23:59:59", 86_399_0000000L)]
    [InlineData("838:59:59", 3_020_399_0000000L)]
    [InlineData("-838:59:59", -3_020_399_0000000L)]
    [InlineData("838:59:59.999999", 3_020_399_9999990L)]
    [InlineData("-00:00:01.5", -1_5000000L)]
    [InlineData("-00:00:00.000001", -10L)]
    [InlineData("100:00:00", 360_000_0000000L)]
    public void Decode_Time_ReturnsTimeSpan(string text, long ticks) =>
        TextValueDecoder.Decode(Ascii(text), Of(MySqlColumnType.Time)).Should().BeOfType<TimeSpan>().Which.Ticks.Should().Be(ticks);
}
