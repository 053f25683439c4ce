using static DualWrite.MySql.Replication.Tests.Values.Columns;

namespace DualWrite.MySql.Replication.Tests.Values;

public class MySqlDateTimeTests
{
    [Fact]
    public void Parse_DateTimeWithFraction_ReadsAllParts()
    {
        var value = MySqlDateTime.Parse(Ascii("2024-12-31 23:58:57.012345"));
        value.Year.Should().Be(2024);
        value.Month.Should().Be(12);
        value.Day.Should().Be(31);
        value.Hour.Should().Be(23);
        value.Minute.Should().Be(58);
        value.Second.Should().Be(57);
        value.Microsecond.Should().Be(12345);
    }

    [Fact]
    public void Parse_ShortFraction_ScalesToMicroseconds() =>
        MySqlDateTime.Parse(Ascii("2024-01-01 00:00:00.5")).Microsecond.Should().Be(500_000);

    [Fact]
    public void Parse_Malformed_ThrowsFormatException()
    {
        var act = () => MySqlDateTime.Parse(Ascii("2024/01/01"));
        act.Should().Throw<FormatException>().Which.Message.Should().Contain("2024/01/01");
    }

    [Fact]
    public void ToString_WithoutFraction_OmitsIt() =>
        new MySqlDateTime(2024, 0, 15, 1, 2, 3).ToString().Should().Be("2024-00-15 01:02:03");

    [Fact]
    public void ToString_WithFraction_PrintsSixDigits() =>
        new MySqlDateTime(1, 2, 3, 4, 5, 6, 7).ToString().Should().Be("0001-02-03 04:05:06.000007");

    [Theory]
    [InlineData(0, "2024-05-06 07:08:09")]
    [InlineData(1, "2024-05-06 07:08:09.1")]
    [InlineData(3, "2024-05-06 07:08:09.123")]
    [InlineData(6, "2024-05-06 07:08:09.123456")]
    public void ToString_FractionalDigits_TruncatesToThatMany(int digits, string expected) =>
        new MySqlDateTime(2024, 5, 6, 7, 8, 9, 123456).ToString(digits).Should().Be(expected);

    [Fact]
    public void ToString_SevenFractionalDigits_Throws()
    {
        var act = () => new MySqlDateTime(2024, 1, 1).ToString(7);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void ZeroDate_IsZeroAndNotValid()
    {
        var zero = default(MySqlDateTime);
        zero.IsZero.Should().BeTrue();
        zero.IsValidDateTime.Should().BeFalse();
        zero.ToString().Should().Be("0000-00-00 00:00:00");
    }

    [Fact]
    public void ToDateTime_ZeroDate_ThrowsInvalidCastWithValue()
    {
        var act = () => default(MySqlDateTime).ToDateTime();
        act.Should().Throw<InvalidCastException>().Which.Message.Should().Contain("0000-00-00");
    }

    [Theory]
    [InlineData(2024, 0, 1)]
    [InlineData(2024, 1, 0)]
    [InlineData(0, 1, 1)]
    [InlineData(2023, 2, 29)]
    [InlineData(2024, 4, 31)]
    public void IsValidDateTime_PartialOrImpossibleDate_IsFalse(int year, int month, int day) =>
        new MySqlDateTime(year, month, day).IsValidDateTime.Should().BeFalse();

    [Fact]
    public void ToDateTime_ValidValue_IsExactAndUnspecified()
    {
        var value = new MySqlDateTime(2024, 2, 29, 12, 30, 45, 999_999).ToDateTime();
        value.Should().Be(new DateTime(2024, 2, 29, 12, 30, 45).AddTicks(9_999_990));
        value.Kind.Should().Be(DateTimeKind.Unspecified);
    }

    [Fact]
    public void Constructor_FromDateTime_RoundTrips()
    {
        var source = new DateTime(2001, 2, 3, 4, 5, 6).AddTicks(1_234_560);
        new MySqlDateTime(source).ToDateTime().Should().Be(source);
    }

    [Fact]
    public void Constructor_MonthThirteen_Throws()
    {
        var act = () => new MySqlDateTime(2024, 13, 1);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Equality_ComparesAllParts()
    {
        (new MySqlDateTime(2024, 0, 0) == new MySqlDateTime(2024, 0, 0)).Should().BeTrue();
        (new MySqlDateTime(2024, 1, 1, 0, 0, 0, 1) != new MySqlDateTime(2024, 1, 1)).Should().BeTrue();
        new MySqlDateTime(2024, 0, 0).GetHashCode().Should().Be(new MySqlDateTime(2024, 0, 0).GetHashCode());
    }
}
