using DualWrite.PostgreSql.Stores;
using DualWrite.PostgreSql.Tables;

namespace DualWrite.PostgreSql.Tests.Unit;

public sealed class PostgreSqlTableMappingTests
{
    private static readonly PostgreSqlColumnMap<long> Id = new(["id"], k => [k], (r, i) => r.GetInt64(i));
    private static readonly PostgreSqlColumnMap<string> Payload = new(["payload"], v => [v], (r, i) => r.GetString(i));

    [Fact]
    public void Valid_ExposesItsParts_WithDefaults()
    {
        var mapping = new PostgreSqlTableMapping<long, string>("Orders", Id, Payload, Comparer<long>.Default, "shop");

        mapping.Table.Should().Be("Orders");
        mapping.Schema.Should().Be("shop");
        mapping.VersionColumn.Should().Be("_dw_version");
        mapping.TombstoneTable.Should().Be("Orders__dw_tombstones");
        mapping.ToString().Should().Be("shop.Orders");
        mapping.Definition.QuotedTable.Should().Be("\"shop\".\"Orders\"");
    }

    [Fact]
    public void ColumnNames_DifferingInCaseOnly_AreTwoColumns()
    {
        var value = new PostgreSqlColumnMap<string>(["ID"], v => [v], (r, i) => r.GetString(i));

        var mapping = new PostgreSqlTableMapping<long, string>("t", Id, value, Comparer<long>.Default);

        mapping.Definition.ValueColumns.Should().Equal("ID");
    }

    [Fact]
    public void TableName_CountsUtf8Bytes_LeavingRoomForTheTombstoneTable()
    {
        // 24 two-byte characters are 48 bytes, which with the 15-byte suffix is PostgreSQL's 63; one more byte is too many.
        var fits = new PostgreSqlTableMapping<long, string>(new string('é', 24), Id, Payload, Comparer<long>.Default);
        var tooLong = () => new PostgreSqlTableMapping<long, string>(new string('é', 24) + "x", Id, Payload, Comparer<long>.Default);

        tooLong.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("table");
        tooLong.Should().Throw<ArgumentException>().WithMessage("*at most 48 bytes in UTF-8*");
        PgNames.ByteLength(fits.TombstoneTable).Should().Be(63);
    }

    [Fact]
    public void VersionedTable_ChecksNamesByTheSameRules()
    {
        var twice = () => new VersionedTable(null, "t", [new VersionedColumn("a"), new VersionedColumn("a")], [0]);
        var noKey = () => new VersionedTable(null, "t", [new VersionedColumn("a")], []);
        var badOrdinal = () => new VersionedTable(null, "t", [new VersionedColumn("a")], [1]);

        twice.Should().Throw<ArgumentException>().WithMessage("*mapped twice (as key and as value)*");
        noKey.Should().Throw<ArgumentException>().WithMessage("*at least one key column*");
        badOrdinal.Should().Throw<ArgumentException>().WithMessage("*key ordinals*");
    }

    [Fact]
    public void KeyRange_CompositeKey_IsARowComparisonAlone_WithTypedPlaceholders()
    {
        var key = new PostgreSqlColumnMap<(long, int)>(["hi", "l\"o"], k => [k.Item1, k.Item2], (r, i) => (r.GetInt64(i), r.GetInt32(i + 1)));
        var mapping = new PostgreSqlTableMapping<(long, int), string>("t", key, Payload, Comparer<(long, int)>.Default);
        var types = new[] { "bigint", "integer" };
        var n = 0;

        var sql = mapping.Definition.KeyRange.Condition([1L, 2], lowerInclusive: true, [3L, 4], (i, _) => $"${++n}::{types[i]}");

        sql.Should().Be("(\"hi\", \"l\"\"o\") >= ($1::bigint, $2::integer) AND (\"hi\", \"l\"\"o\") < ($3::bigint, $4::integer)");
    }

    [Fact]
    public void KeyRange_BoundOfTheWrongWidth_IsRejected()
    {
        var mapping = new PostgreSqlTableMapping<long, string>("t", Id, Payload, Comparer<long>.Default);

        var act = () => mapping.Definition.KeyRange.Condition([1L, 2L], lowerInclusive: true, null, (_, _) => "$1");

        act.Should().Throw<ArgumentException>().WithMessage("*1 value(s)*");
    }
}
