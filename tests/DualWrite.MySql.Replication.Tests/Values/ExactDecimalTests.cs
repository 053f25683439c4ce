using DualWrite.MySql.Values;

namespace DualWrite.MySql.Replication.Tests.Values;

public class ExactDecimalTests
{
    [Fact]
    public void Parse_65Digits_KeepsExactText()
    {
        const string Text = "-12345678901234567890123456789012345.123456789012345678901234567890";
        var value = ExactDecimal.Parse(Text);
        value.ToString().Should().Be(Text);
        value.Precision.Should().Be(65);
        value.Scale.Should().Be(30);
        value.IsNegative.Should().BeTrue();
    }

    [Fact]
    public void Parse_Scale38_IsAccepted() =>
        ExactDecimal.Parse("1." + new string('1', 38)).Scale.Should().Be(38);

    [Fact]
    public void Parse_ZeroFilled_PrecisionIgnoresLeadingZeros()
    {
        var value = ExactDecimal.Parse("0000012.50");
        value.Precision.Should().Be(4);
        value.ToString().Should().Be("0000012.50");
        value.Should().Be(ExactDecimal.Parse("12.5"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("+1")]
    [InlineData("1e5")]
    [InlineData("1,5")]
    [InlineData(" 1")]
    [InlineData("1.2.3")]
    [InlineData("--1")]
    public void Parse_MalformedText_ThrowsFormatExceptionNamingText(string text)
    {
        var act = () => ExactDecimal.Parse(text);
        act.Should().Throw<FormatException>().Which.Message.Should().Contain($"'{text}'");
        ExactDecimal.TryParse(text, out _).Should().BeFalse();
    }

    [Fact]
    public void Parse_66Digits_ThrowsOverflow()
    {
        var act = () => ExactDecimal.Parse(new string('9', 66));
        act.Should().Throw<OverflowException>();
    }

    [Fact]
    public void Parse_Scale39_ThrowsOverflow()
    {
        var act = () => ExactDecimal.Parse("0." + new string('1', 39));
        act.Should().Throw<OverflowException>();
    }

    [Fact]
    public void TryParse_ValidSpan_ReturnsValue()
    {
        ExactDecimal.TryParse("abc-1.25xyz".AsSpan(3, 5), out var value).Should().BeTrue();
        value.ToString().Should().Be("-1.25");
    }

    [Fact]
    public void Equals_TrailingZerosDiffer_AreEqualWithSameHash()
    {
        var a = ExactDecimal.Parse("1.50");
        var b = ExactDecimal.Parse("1.5");
        (a == b).Should().BeTrue();
        a.Equals((object)b).Should().BeTrue();
        a.GetHashCode().Should().Be(b.GetHashCode());
        a.ToString().Should().Be("1.50");
    }

    [Fact]
    public void Equals_NegativeZero_EqualsZero()
    {
        var negativeZero = ExactDecimal.Parse("-0.00");
        negativeZero.IsNegative.Should().BeFalse();
        (negativeZero == default(ExactDecimal)).Should().BeTrue();
        negativeZero.GetHashCode().Should().Be(ExactDecimal.Parse("0").GetHashCode());
    }

    [Fact]
    public void Equals_DifferentValues_AreNotEqual()
    {
        (ExactDecimal.Parse("1.5") != ExactDecimal.Parse("1.05")).Should().BeTrue();
        (ExactDecimal.Parse("-1") != ExactDecimal.Parse("1")).Should().BeTrue();
    }

    [Theory]
    [InlineData("1", "2")]
    [InlineData("-2", "-1")]
    [InlineData("-1", "0")]
    [InlineData("0", "0.000000000000000000000000000000000001")]
    [InlineData("0.45", "0.5")]
    [InlineData("0.5", "0.51")]
    [InlineData("99999999999999999999999999999999999.9", "100000000000000000000000000000000000")]
    [InlineData("-100000000000000000000000000000000000", "-99999999999999999999999999999999999.9")]
    [InlineData("009", "10")]
    public void CompareTo_LessThan_OrdersNumerically(string smaller, string larger)
    {
        var a = ExactDecimal.Parse(smaller);
        var b = ExactDecimal.Parse(larger);
        a.CompareTo(b).Should().BeNegative();
        b.CompareTo(a).Should().BePositive();
        (a < b).Should().BeTrue();
        (b > a).Should().BeTrue();
        (a > b).Should().BeFalse();
        (a <= b).Should().BeTrue();
        (b >= a).Should().BeTrue();
    }

    [Fact]
    public void CompareTo_Object_HandlesNullAndRejectsOtherTypes()
    {
        var one = ExactDecimal.Parse("1");
        one.CompareTo(null).Should().BePositive();
        one.CompareTo((object)ExactDecimal.Parse("1.0")).Should().Be(0);
        var act = () => one.CompareTo((object)1m);
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Sort_MixedValues_SortsNumerically()
    {
        var values = new[] { "10", "-0.5", "2.25", "-3", "0", "2.2" }.Select(ExactDecimal.Parse).ToList();
        values.Sort();
        values.Select(v => v.ToString()).Should().Equal("-3", "-0.5", "0", "2.2", "2.25", "10");
    }

    [Fact]
    public void ToDecimal_KeepsScale()
    {
        var value = ExactDecimal.Parse("-123.4500").ToDecimal();
        value.Should().Be(-123.45m);
        value.Scale.Should().Be(4);
    }

    [Fact]
    public void ToDecimal_DecimalMaxValue_Converts() =>
        ExactDecimal.Parse("79228162514264337593543950335").ToDecimal().Should().Be(decimal.MaxValue);

    [Fact]
    public void ToDecimal_OneAboveDecimalMax_ThrowsOverflowNamingValue()
    {
        var act = () => ExactDecimal.Parse("79228162514264337593543950336").ToDecimal();
        act.Should().Throw<OverflowException>().Which.Message.Should().Contain("79228162514264337593543950336");
    }

    [Fact]
    public void ToDecimal_ThirtyPlacesOfTrailingZeros_DropsOnlyZeros()
    {
        ExactDecimal.Parse("2.500000000000000000000000000000").TryToDecimal(out var value).Should().BeTrue();
        value.Should().Be(2.5m);
        value.Scale.Should().Be(28);
    }

    [Fact]
    public void ToDecimal_DecimalMaxWithTrailingZeroPlaces_Converts() =>
        ExactDecimal.Parse("79228162514264337593543950335.000").ToDecimal().Should().Be(decimal.MaxValue);

    [Fact]
    public void TryToDecimal_29SignificantPlaces_ReturnsFalse()
    {
        ExactDecimal.Parse("0.00000000000000000000000000001").TryToDecimal(out _).Should().BeFalse();
        ExactDecimal.Parse("1.0000000000000000000000000001").TryToDecimal(out var fits).Should().BeTrue();
        fits.Should().Be(1.0000000000000000000000000001m);
    }

    [Fact]
    public void ToDouble_LongValue_ReturnsNearestDouble() =>
        ExactDecimal.Parse("-12345678901234567890123456789012345.123456789012345678901234567890").ToDouble().Should().Be(-1.2345678901234568e34);

    [Fact]
    public void Constructor_FromDecimal_KeepsScale()
    {
        var value = new ExactDecimal(-1.500m);
        value.ToString().Should().Be("-1.500");
        value.Scale.Should().Be(3);
        value.IsNegative.Should().BeTrue();
    }

    [Fact]
    public void Default_IsZero()
    {
        default(ExactDecimal).ToString().Should().Be("0");
        default(ExactDecimal).Precision.Should().Be(1);
        default(ExactDecimal).ToDecimal().Should().Be(0m);
    }
}
