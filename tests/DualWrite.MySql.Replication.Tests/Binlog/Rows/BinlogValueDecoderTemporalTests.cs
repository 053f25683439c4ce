using DualWrite.MySql.Values;
using MySqlConnector;

using static DualWrite.MySql.Replication.Tests.Binlog.Rows.RowsTestData;

namespace DualWrite.MySql.Replication.Tests.Binlog.Rows;

public sealed class BinlogValueDecoderTemporalTests
{
    private static readonly DateTime Leap = new(2024, 2, 29, 13, 14, 15, DateTimeKind.Unspecified);

    [Theory]
    [InlineData("5DD00F", 2024, 2, 29)]
    [InlineData("21D007", 1000, 1, 1)]
    [InlineData("9F1F4E", 9999, 12, 31)]
    public void Date_is_a_DateTime(string hex, int year, int month, int day)
    {
        var value = Decode(Column(MySqlColumnType.Date), hex);

        value.Should().BeOfType<DateTime>().Which.Should().Be(new DateTime(year, month, day));
        ((DateTime)value).Kind.Should().Be(DateTimeKind.Unspecified);
    }

    [Theory]
    [InlineData("000000", 0, 0, 0)]
    [InlineData("0FD00F", 2024, 0, 15)]
    [InlineData("40D00F", 2024, 2, 0)]
    [InlineData("7FD00F", 2024, 3, 31)] // past the month's end is not possible, but 2024-03-31 is fine
    public void Date_DateTime_cannot_hold_is_a_MySqlDateTime(string hex, int year, int month, int day)
    {
        var value = Decode(Column(MySqlColumnType.NewDate), hex);

        if (month == 3)
        {
            value.Should().Be(new DateTime(2024, 3, 31));
            return;
        }
        value.Should().BeOfType<MySqlDateTime>().Which.Should().Be(new MySqlDateTime(year, month, day, 0, 0, 0, 0));
    }

    [Fact]
    public void Date_with_month_13_is_corrupt() =>
        Throws(() => Decode(Column(MySqlColumnType.Date), "A1D10F")).Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);

    [Theory]
    [InlineData(0, "99B2BAD38F", 0)]
    [InlineData(1, "99B2BAD38F0A", 100_000)]
    [InlineData(2, "99B2BAD38F0C", 120_000)]
    [InlineData(3, "99B2BAD38F04CE", 123_000)]
    [InlineData(4, "99B2BAD38F04D2", 123_400)]
    [InlineData(5, "99B2BAD38F01E23A", 123_450)]
    [InlineData(6, "99B2BAD38F01E240", 123_456)]
    public void DateTime2_reads_every_fractional_precision(int fsp, string hex, int microseconds)
    {
        var value = Decode(Column(MySqlColumnType.DateTime2, fsp), hex);

        value.Should().BeOfType<DateTime>().Which.Should().Be(Leap.AddTicks(microseconds * 10L));
        ((DateTime)value).Kind.Should().Be(DateTimeKind.Unspecified);
    }

    [Fact]
    public void DateTime2_maximum()
    {
        var value = Decode(Column(MySqlColumnType.DateTime2, 6), "FEF3FF7EFB0F423F");

        value.Should().Be(new DateTime(9999, 12, 31, 23, 59, 59).AddTicks(9_999_990));
    }

    [Theory]
    [InlineData("8000000000", 0, 0, 0)]
    [InlineData("99B21E0000", 2024, 0, 15)]
    public void DateTime2_zero_and_partial_dates_are_MySqlDateTime(string hex, int year, int month, int day)
    {
        var value = Decode(Column(MySqlColumnType.DateTime2, 0), hex);

        value.Should().BeOfType<MySqlDateTime>().Which.Should().Be(new MySqlDateTime(year, month, day, 0, 0, 0, 0));
    }

    [Theory]
    [InlineData("99B2438000")] // hour 24
    [InlineData("7FFFFFFFFF")] // below the offset: negative
    public void DateTime2_that_is_no_datetime_is_corrupt(string hex) =>
        Throws(() => Decode(Column(MySqlColumnType.DateTime2, 0), hex)).Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);

    [Fact]
    public void DateTime2_fraction_above_a_second_is_corrupt() =>
        Throws(() => Decode(Column(MySqlColumnType.DateTime2, 6), "99B2BAD38FFFFFFF")).Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);

    [Fact]
    public void Old_DateTime_is_the_decimal_number_yyyymmddhhmmss()
    {
        Decode(Column(MySqlColumnType.DateTime), "97E4AA8B68120000").Should().Be(Leap);
        Decode(Column(MySqlColumnType.DateTime), "0000000000000000").Should().Be(default(MySqlDateTime));
    }

    [Theory]
    [InlineData(0, "7FFFFFFF", 2147483647L, 0)]
    [InlineData(3, "00000001000A", 1L, 1_000)]
    [InlineData(6, "65E083270F423F", 1709212455L, 999_999)]
    public void Timestamp2_is_a_utc_DateTime(int fsp, string hex, long seconds, int microseconds)
    {
        var value = Decode(Column(MySqlColumnType.Timestamp2, fsp), hex);

        var expected = DateTime.UnixEpoch.AddSeconds(seconds).AddTicks(microseconds * 10L);
        value.Should().BeOfType<DateTime>().Which.Should().Be(expected);
        ((DateTime)value).Kind.Should().Be(DateTimeKind.Utc);
    }

    [Theory]
    [InlineData(0, "00000000")]
    [InlineData(6, "00000000000000")]
    public void Timestamp_zero_is_the_zero_MySqlDateTime(int fsp, string hex)
    {
        var value = Decode(Column(MySqlColumnType.Timestamp2, fsp), hex);

        value.Should().BeOfType<MySqlDateTime>().Which.Should().Be(default(MySqlDateTime), "every part is zero");
    }

    [Fact]
    public void Old_Timestamp_is_little_endian_seconds()
    {
        var value = Decode(Column(MySqlColumnType.Timestamp), "2783E065");

        value.Should().Be(new DateTime(2024, 2, 29, 13, 14, 15, DateTimeKind.Utc));
        ((DateTime)value).Kind.Should().Be(DateTimeKind.Utc);
    }

    [Theory]
    [InlineData(0, "B46EFB", false, 838, 59, 59, 0)]
    [InlineData(0, "4B9105", true, 838, 59, 59, 0)]
    [InlineData(0, "7FFFFF", true, 0, 0, 1, 0)]
    [InlineData(0, "800000", false, 0, 0, 0, 0)]
    [InlineData(1, "B46EFB5A", false, 838, 59, 59, 900_000)]
    [InlineData(1, "7FFFFFCE", true, 0, 0, 0, 500_000)]
    [InlineData(3, "7FFFFEEC78", true, 0, 0, 1, 500_000)]
    [InlineData(3, "4B9104D8FA", true, 838, 59, 59, 999_000)]
    [InlineData(3, "864000000A", false, 100, 0, 0, 1_000)]
    [InlineData(6, "7F3747FFFFFF", true, 12, 34, 56, 1)]
    [InlineData(6, "817EFB0F423F", false, 23, 59, 59, 999_999)]
    [InlineData(6, "4B9105000000", true, 838, 59, 59, 0)]
    public void Time2_is_a_TimeSpan_including_negative_and_long_times(int fsp, string hex, bool negative, int hours, int minutes,
        int seconds, int microseconds)
    {
        var value = Decode(Column(MySqlColumnType.Time2, fsp), hex);

        var magnitude = new TimeSpan(hours, minutes, seconds).Add(TimeSpan.FromTicks(microseconds * 10L));
        value.Should().BeOfType<TimeSpan>().Which.Should().Be(negative ? -magnitude : magnitude);
    }

    [Theory]
    [InlineData(0, "800F00")] // minute 60
    [InlineData(6, "800000FFFFFF")] // fraction of 16777215 microseconds
    public void Time2_that_is_no_time_is_corrupt(int fsp, string hex) =>
        Throws(() => Decode(Column(MySqlColumnType.Time2, fsp), hex)).Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);

    [Theory]
    [InlineData("A7F57F", false, 838, 59, 59)]
    [InlineData("590A80", true, 838, 59, 59)]
    [InlineData("FFFFFF", true, 0, 0, 1)]
    public void Old_Time_is_the_signed_decimal_number_hhmmss(string hex, bool negative, int hours, int minutes, int seconds)
    {
        var value = Decode(Column(MySqlColumnType.Time), hex);

        var magnitude = new TimeSpan(hours, minutes, seconds);
        value.Should().Be(negative ? -magnitude : magnitude);
    }

    [Theory]
    [InlineData(MySqlColumnType.DateTime2)]
    [InlineData(MySqlColumnType.Time2)]
    [InlineData(MySqlColumnType.Timestamp2)]
    public void Fractional_digits_above_six_are_corrupt(MySqlColumnType type) =>
        Throws(() => Decode(Column(type, 7), "80000000000000000000")).Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
}
