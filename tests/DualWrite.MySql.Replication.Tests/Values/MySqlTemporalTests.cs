using DualWrite.MySql.Values;
using MySqlConnector;

namespace DualWrite.MySql.Replication.Tests.Values;

/// <summary>The one rule for DATE, DATETIME and TIMESTAMP values: DateTime when it can hold the date, else MySqlConnector's MySqlDateTime as stored.</summary>
public sealed class MySqlTemporalTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2024, 2, 29)]
    [InlineData(9999, 12, 31)]
    [InlineData(1000, 1, 1)]
    public void IsRepresentable_RealDate_IsTrue(int year, int month, int day) =>
        MySqlTemporal.IsRepresentable(year, month, day).Should().BeTrue();

    [Theory]
    [InlineData(0, 0, 0)] // the zero date
    [InlineData(2024, 0, 15)] // zero month (sql_mode without NO_ZERO_IN_DATE)
    [InlineData(2024, 2, 0)] // zero day
    [InlineData(0, 1, 1)] // year 0
    [InlineData(2023, 2, 29)] // past the month's end (ALLOW_INVALID_DATES)
    [InlineData(2024, 4, 31)]
    [InlineData(2024, 13, 1)]
    [InlineData(10000, 1, 1)]
    public void IsRepresentable_ZeroPartialOrImpossibleDate_IsFalse(int year, int month, int day) =>
        MySqlTemporal.IsRepresentable(year, month, day).Should().BeFalse();

    [Fact]
    public void IsRepresentable_IsStricterThanMySqlConnectorsIsValidDateTime()
    {
        // MySqlConnector only looks for zero parts: 2023-02-29 passes its check, yet DateTime cannot hold it.
        var impossible = new MySqlDateTime(2023, 2, 29, 0, 0, 0, 0);
        impossible.IsValidDateTime.Should().BeTrue();
        MySqlTemporal.IsRepresentable(impossible.Year, impossible.Month, impossible.Day).Should().BeFalse();

        MySqlTemporal.Value(impossible, MySqlValueKind.Date).Should().Be(impossible);
    }

    [Theory]
    [InlineData(MySqlValueKind.Date)]
    [InlineData(MySqlValueKind.DateTime)]
    public void Value_DateOrDateTime_IsAnUnspecifiedDateTimeToTheMicrosecond(MySqlValueKind kind)
    {
        var value = MySqlTemporal.Value(2024, 2, 29, 12, 30, 45, 999_999, kind);

        value.Should().BeOfType<DateTime>().Which.Should().Be(new DateTime(2024, 2, 29, 12, 30, 45).AddTicks(9_999_990));
        ((DateTime)value).Kind.Should().Be(DateTimeKind.Unspecified);
    }

    [Fact]
    public void Value_Timestamp_IsUtc()
    {
        var value = MySqlTemporal.Value(2038, 1, 19, 3, 14, 7, 1, MySqlValueKind.Timestamp);

        value.Should().BeOfType<DateTime>().Which.Should().Be(new DateTime(2038, 1, 19, 3, 14, 7, DateTimeKind.Utc).AddTicks(10));
        ((DateTime)value).Kind.Should().Be(DateTimeKind.Utc);
    }

    [Theory]
    [InlineData(0, 0, 0, 0, 0, 0, 0)]
    [InlineData(2024, 0, 15, 1, 2, 3, 0)]
    [InlineData(2024, 2, 0, 23, 59, 59, 7)]
    [InlineData(2023, 2, 29, 0, 0, 0, 999_999)]
    public void Value_DateDateTimeCannotHold_IsTheMySqlDateTimeWithEveryPartAsStored(int year, int month, int day, int hour, int minute, int second, int microsecond)
    {
        var value = MySqlTemporal.Value(year, month, day, hour, minute, second, microsecond, MySqlValueKind.DateTime);

        var exact = value.Should().BeOfType<MySqlDateTime>().Which;
        (exact.Year, exact.Month, exact.Day, exact.Hour, exact.Minute, exact.Second, exact.Microsecond)
            .Should().Be((year, month, day, hour, minute, second, microsecond));
    }

    [Fact]
    public void Value_ZeroTimestamp_IsTheZeroMySqlDateTime_NotUtcMinValue() =>
        MySqlTemporal.Value(0, 0, 0, 0, 0, 0, 0, MySqlValueKind.Timestamp).Should().Be(default(MySqlDateTime));

    [Fact]
    public void Value_OfWhatMySqlConnectorRead_EqualsTheValueOfItsParts()
    {
        var read = new MySqlDateTime(2001, 2, 3, 4, 5, 6, 123_456);

        MySqlTemporal.Value(read, MySqlValueKind.DateTime).Should().Be(new DateTime(2001, 2, 3, 4, 5, 6).AddTicks(1_234_560));
        MySqlTemporal.Value(new MySqlDateTime(2024, 0, 15, 0, 0, 0, 0), MySqlValueKind.Date).Should().Be(new MySqlDateTime(2024, 0, 15, 0, 0, 0, 0));
    }

    [Fact]
    public void MySqlDateTime_EqualityComparesEveryPart()
    {
        // Zero and partial values compare by plain equality, as binlog and SELECT values must.
        new MySqlDateTime(2024, 0, 0, 0, 0, 0, 0).Should().Be(new MySqlDateTime(2024, 0, 0, 0, 0, 0, 0));
        new MySqlDateTime(2024, 1, 1, 0, 0, 0, 1).Should().NotBe(new MySqlDateTime(2024, 1, 1, 0, 0, 0, 0));
        new MySqlDateTime(2024, 0, 0, 0, 0, 0, 0).GetHashCode().Should().Be(new MySqlDateTime(2024, 0, 0, 0, 0, 0, 0).GetHashCode());
    }
}
