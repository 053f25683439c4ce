using DualWrite.MySql.Values;
using MySqlConnector;

namespace DualWrite.MySql.Replication.Tests.Integration;

/// <summary>
/// <see cref="MySqlValuePolicy.Of(MySqlDbColumn)"/> on real MySqlConnector result columns: the kind of every column type
/// under <see cref="MySqlExactSettings"/>, and the refusal of columns MySqlConnector has already turned into bool or Guid.
/// </summary>
public sealed class ResultColumnKindTests : ScratchDatabaseTests
{
    private const string Table = """
        CREATE TABLE kinds (
            ti TINYINT, tiu TINYINT UNSIGNED, t1 TINYINT(1), si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
            i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
            d28 DECIMAL(28,10), d28u DECIMAL(28,10) UNSIGNED, d29 DECIMAL(29,10), d65 DECIMAL(65,30), f FLOAT, db DOUBLE,
            dt DATE, dtm DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME(6), y YEAR, b8 BIT(8),
            c CHAR(10), cbin CHAR(10) COLLATE utf8mb4_bin, vc VARCHAR(10), vcbin VARCHAR(10) COLLATE utf8mb4_bin, tx TEXT, l1 VARCHAR(10) CHARACTER SET latin1,
            g36 CHAR(36), bn BINARY(10), g16 BINARY(16), vb VARBINARY(10), bl BLOB, cb CHAR(10) CHARACTER SET binary,
            e ENUM('a','b'), st SET('a','b'), js JSON, pt POINT
        )
        """;

    public ResultColumnKindTests()
        : base("kinds")
    {
    }

    [Fact]
    public async Task EveryColumnType_HasItsKind_UnderTheExactSettings()
    {
        await using var connection = await OpenAsync();
        await ExecuteAsync(connection, Table);

        var kinds = await KindsAsync(connection, "SELECT * FROM kinds");

        kinds.Should().Equal(new Dictionary<string, MySqlValueKind>
        {
            ["ti"] = MySqlValueKind.SByte, ["tiu"] = MySqlValueKind.Byte, ["t1"] = MySqlValueKind.SByte,
            ["si"] = MySqlValueKind.Int16, ["siu"] = MySqlValueKind.UInt16, ["mi"] = MySqlValueKind.Int32, ["miu"] = MySqlValueKind.UInt32,
            ["i"] = MySqlValueKind.Int32, ["iu"] = MySqlValueKind.UInt32, ["bi"] = MySqlValueKind.Int64, ["biu"] = MySqlValueKind.UInt64,
            ["d28"] = MySqlValueKind.Decimal, ["d28u"] = MySqlValueKind.Decimal, ["d29"] = MySqlValueKind.ExactDecimal, ["d65"] = MySqlValueKind.ExactDecimal,
            ["f"] = MySqlValueKind.Single, ["db"] = MySqlValueKind.Double,
            ["dt"] = MySqlValueKind.Date, ["dtm"] = MySqlValueKind.DateTime, ["ts"] = MySqlValueKind.Timestamp, ["tm"] = MySqlValueKind.Time,
            ["y"] = MySqlValueKind.Year, ["b8"] = MySqlValueKind.Bit,
            // A binary collation of a character set is still text; only the binary character set is bytes.
            ["c"] = MySqlValueKind.Text, ["cbin"] = MySqlValueKind.Text, ["vc"] = MySqlValueKind.Text, ["vcbin"] = MySqlValueKind.Text,
            ["tx"] = MySqlValueKind.Text, ["l1"] = MySqlValueKind.Text, ["g36"] = MySqlValueKind.Text,
            ["bn"] = MySqlValueKind.Binary, ["g16"] = MySqlValueKind.Binary, ["vb"] = MySqlValueKind.Binary, ["bl"] = MySqlValueKind.Binary,
            ["cb"] = MySqlValueKind.Binary,
            ["e"] = MySqlValueKind.Enum, ["st"] = MySqlValueKind.Set, ["js"] = MySqlValueKind.Text, ["pt"] = MySqlValueKind.Spatial,
        });
    }

    [Fact]
    public async Task ExpressionColumns_HaveTheKindOfTheirResultType()
    {
        await using var connection = await OpenAsync();

        var kinds = await KindsAsync(connection,
            "SELECT CAST(9223372036854775807 AS SIGNED) AS s, CAST(18446744073709551615 AS UNSIGNED) AS u, CAST(1.5 AS DECIMAL(29,1)) AS d29, CAST(1.5 AS DECIMAL(28,1)) AS d28, " +
            "CAST('x' AS BINARY) AS b, CAST(X'41' AS CHAR) AS t, NOW(6) AS n, CURDATE() AS cd, SEC_TO_TIME(-1) AS neg");

        kinds.Should().Equal(new Dictionary<string, MySqlValueKind>
        {
            ["s"] = MySqlValueKind.Int64, ["u"] = MySqlValueKind.UInt64, ["d29"] = MySqlValueKind.ExactDecimal, ["d28"] = MySqlValueKind.Decimal,
            ["b"] = MySqlValueKind.Binary, ["t"] = MySqlValueKind.Text, ["n"] = MySqlValueKind.DateTime, ["cd"] = MySqlValueKind.Date,
            ["neg"] = MySqlValueKind.Time,
        });
    }

    [Fact]
    public async Task TinyIntOne_ReadAsBool_IsRefusedNamingTheSetting()
    {
        await using var connection = await OpenAsync(b => b.TreatTinyAsBoolean = true);
        await ExecuteAsync(connection, "CREATE TABLE flags (flag TINYINT(1))");

        var act = () => KindsAsync(connection, "SELECT flag FROM flags");

        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Message
            .Should().Contain("`flag`").And.Contain("TreatTinyAsBoolean=false").And.Contain(nameof(MySqlExactSettings));
    }

    [Theory]
    [InlineData(MySqlGuidFormat.Char36, "CHAR(36)")]
    [InlineData(MySqlGuidFormat.Binary16, "BINARY(16)")]
    [InlineData(MySqlGuidFormat.Default, "CHAR(36)")] // MySqlConnector's default reads CHAR(36) as Guid
    public async Task GuidColumn_IsRefusedNamingTheSetting(MySqlGuidFormat format, string type)
    {
        await using var connection = await OpenAsync(b => b.GuidFormat = format);
        await ExecuteAsync(connection, $"CREATE TABLE ids (id {type})");

        var act = () => KindsAsync(connection, "SELECT id FROM ids");

        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Message
            .Should().Contain("`id`").And.Contain("Guid").And.Contain("GuidFormat=None");
    }

    [Fact]
    public void ExactSettings_NameWhatMySqlConnectorsDefaultsWouldChange()
    {
        var problem = MySqlExactSettings.Problem("Server=db");

        problem.Should().Contain("TreatTinyAsBoolean=false").And.Contain("GuidFormat=None").And.Contain("AllowZeroDateTime=true");
        MySqlExactSettings.Problem(MySqlExactSettings.Apply("Server=db")).Should().BeNull();
    }

    private static async Task<Dictionary<string, MySqlValueKind>> KindsAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = MySqlColumnReader.For(reader);
        return Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => columns.Kinds[i]);
    }
}
