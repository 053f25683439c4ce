using DualWrite.MySql.Stores;

namespace DualWrite.MySql.Tests.Unit.Stores;

public sealed class MySqlTableMappingTests
{
    private static readonly MySqlColumnMap<long> Id = new(["id"], k => [k], (r, i) => r.GetInt64(i));
    private static readonly MySqlColumnMap<string> Payload = new(["payload"], v => [v], (r, i) => r.GetString(i));

    [Fact]
    public void Valid_ExposesItsParts_WithDefaults()
    {
        var mapping = new MySqlTableMapping<long, string>("orders", Id, Payload, Comparer<long>.Default);

        mapping.Table.Should().Be("orders");
        mapping.Database.Should().BeNull();
        mapping.VersionColumn.Should().Be("_dw_version");
        mapping.TombstoneTable.Should().Be("orders__dw_tombstones");
        mapping.ToString().Should().Be("orders");
        new MySqlTableMapping<long, string>("orders", Id, Payload, Comparer<long>.Default, "shop").ToString().Should().Be("shop.orders");
    }

    [Theory]
    [InlineData("", "payload", "_dw_version", "table")]
    [InlineData("  ", "payload", "_dw_version", "table")]
    [InlineData("orders", " ", "_dw_version", "value")]
    [InlineData("orders", "payload", "", "versionColumn")]
    [InlineData("orders", "ID", "_dw_version", "value")]
    [InlineData("orders", "payload", "Payload", "versionColumn")]
    [InlineData("orders", "payload", "id", "versionColumn")]
    [InlineData("orders ", "payload", "_dw_version", "table")]
    [InlineData("a_table_name_that_is_fifty_characters_long_xxxxxxx", "payload", "_dw_version", "table")]
    public void Invalid_NamesTheCulprit(string table, string valueColumn, string versionColumn, string parameter)
    {
        var value = new MySqlColumnMap<string>([valueColumn], v => [v], (r, i) => r.GetString(i));

        var act = () => new MySqlTableMapping<long, string>(table, Id, value, Comparer<long>.Default, versionColumn: versionColumn);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(parameter);
    }

    [Fact]
    public void NoKeyColumns_OrRepeatedKeyColumn_IsRejected()
    {
        var none = () => new MySqlTableMapping<long, string>("t", new MySqlColumnMap<long>([], k => [], (r, i) => 0), Payload, Comparer<long>.Default);
        var twice = () => new MySqlTableMapping<long, string>("t", new MySqlColumnMap<long>(["a", "A"], k => [k, k], (r, i) => 0), Payload, Comparer<long>.Default);

        none.Should().Throw<ArgumentException>().WithMessage("*at least one key column*");
        twice.Should().Throw<ArgumentException>().WithMessage("*mapped twice*");
    }

    [Fact]
    public void TableOfFortyNineCharacters_LeavesRoomForTheTombstoneTable()
    {
        var table = new string('t', 49);

        new MySqlTableMapping<long, string>(table, Id, Payload, Comparer<long>.Default).TombstoneTable.Should().HaveLength(64);
    }

    [Fact]
    public void KeyValues_RejectNullsAndWrongCounts()
    {
        var key = new MySqlColumnMap<string>(["a", "b"], k => k == "short" ? [k] : [k, null], (r, i) => r.GetString(i));
        var mapping = new MySqlTableMapping<string, string>("t", key, Payload, StringComparer.Ordinal);

        var nullPart = () => mapping.KeyValues("x");
        var shortKey = () => mapping.KeyValues("short");

        nullPart.Should().Throw<ArgumentException>().WithMessage("*'b'*NULL*");
        shortKey.Should().Throw<ArgumentException>().WithMessage("*1 value(s) for 2 column(s) (a, b)*");
    }

    [Fact]
    public void ColumnList_IsCopied_SoLaterChangesCannotDesynchroniseTheSql()
    {
        var columns = new List<string> { "id" };
        var map = new MySqlColumnMap<long>(columns, k => [k], (r, i) => r.GetInt64(i));

        columns.Add("other");

        map.Columns.Should().Equal("id");
    }

    [Fact]
    public void KeyRange_CompositeKey_BoundsTheLeadingColumnBesideTheRowComparison_AndBindsInTextOrder()
    {
        var key = new MySqlColumnMap<(string, int)>(["ten`ant", "line"], k => [k.Item1, k.Item2], (r, i) => (r.GetString(i), r.GetInt32(i + 1)));
        var mapping = new MySqlTableMapping<(string, int), string>("t", key, Payload, Comparer<(string, int)>.Default);
        var bound = new List<object?>();

        var sql = mapping.Definition.KeyRange.Condition(["a", 1], lowerInclusive: false, ["b", 2], (_, v) => { bound.Add(v); return "?"; });

        sql.Should().Be("`ten``ant` >= ? AND (`ten``ant`, `line`) > (?, ?) AND `ten``ant` <= ? AND (`ten``ant`, `line`) < (?, ?)");
        bound.Should().Equal("a", "a", 1, "b", "b", 2);
    }

    [Fact]
    public void KeyRange_SingleColumn_OneComparisonPerBound_TrueWithoutBounds()
    {
        var mapping = new MySqlTableMapping<long, string>("t", Id, Payload, Comparer<long>.Default);
        string Bind(int i, object? v) => "?";

        mapping.Definition.KeyRange.Condition([5L], lowerInclusive: true, null, Bind).Should().Be("`id` >= ?");
        mapping.Definition.KeyRange.Condition(null, lowerInclusive: true, [9L], Bind).Should().Be("`id` < ?");
        mapping.Definition.KeyRange.Condition(null, lowerInclusive: true, null, Bind).Should().Be("TRUE");
    }

    [Fact]
    public void Names_QuotedAndQualifiedByTheMySqlRules()
    {
        var mapping = new MySqlTableMapping<long, string>("or`ders", Id, Payload, Comparer<long>.Default, "shop");

        mapping.Definition.QuotedTable.Should().Be("`shop`.`or``ders`");
        mapping.Definition.QuotedTombstoneTable.Should().Be("`shop`.`or``ders__dw_tombstones`");
        MySqlNames.Quote("a`b").Should().Be("`a``b`");
    }
}
