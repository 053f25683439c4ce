using DualWrite.Migration.Plans;
using DualWrite.Migration.Schema;
using DualWrite.MySql.Schema;

namespace DualWrite.Migration.Tests.Plans;

public sealed class MappedColumnTests
{
    private static MappedColumn Column(MySqlColumn source, ColumnTransform transform) =>
        new(source, source.Name, TypeMapping.Map(source), transform);

    private static readonly MySqlColumn Email = new("email", 0, "varchar", "varchar(100)", IsNullable: true, CharacterMaximumLength: 100);

    [Theory]
    [InlineData(ColumnTransform.None, "  Ann@Example.COM ", "  Ann@Example.COM ")]
    [InlineData(ColumnTransform.Trim, "  Ann@Example.COM ", "Ann@Example.COM")]
    [InlineData(ColumnTransform.Lower, "Ann@Example.COM", "ann@example.com")]
    [InlineData(ColumnTransform.Upper, "Ann@Example.COM", "ANN@EXAMPLE.COM")]
    public void Apply_TextColumn_AppliesTheTransform(ColumnTransform transform, string value, string expected) =>
        Column(Email, transform).Apply(value).Should().Be(expected);

    [Fact]
    public void Apply_Null_StaysNull()
    {
        Column(Email, ColumnTransform.Lower).Apply(null).Should().BeNull();
        Column(Email, ColumnTransform.Lower).Apply(DBNull.Value).Should().BeNull();
    }

    [Fact]
    public void Apply_ConvertsToTheTargetType()
    {
        var tiny = new MySqlColumn("flag", 1, "tinyint", "tinyint(4)", IsNullable: false);

        Column(tiny, ColumnTransform.None).Apply((sbyte)5).Should().Be((short)5);
    }

    [Fact]
    public void Apply_AfterTheTransform_StillRefusesWhatTheTargetCannotHold() =>
        FluentActions.Invoking(() => Column(Email, ColumnTransform.Trim).Apply(" a\0b "))
            .Should().Throw<TargetValueException>().WithMessage("*NUL*");
}
