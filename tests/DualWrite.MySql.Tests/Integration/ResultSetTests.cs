using System.Reflection;
using DualWrite.MySql.Replication.Session;
using FluentAssertions.Execution;

namespace DualWrite.MySql.Tests.Integration;

/// <summary>
/// Multi-statement commands, result-set navigation, affected-row counts, server errors and reader
/// state, each with and without CLIENT_DEPRECATE_EOF (OK-terminated vs classic EOF-terminated results).
/// </summary>
public class ResultSetTests : ScratchDatabaseTests
{
    public ResultSetTests()
        : base("results")
    {
    }

    public static TheoryData<bool> EofModes => new() { false, true };

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task DisableDeprecateEof_ControlsTheNegotiatedCapability(bool classicEof)
    {
        await using var connection = await OpenUnpooledAsync(classicEof);

        Session(connection).DeprecateEof.Should().Be(!classicEof);
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task MultipleResultSets_AreReadInOrder_WithNextResult(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        await using var command = new MySqlCommand(
            "SELECT 1; SELECT 'a', 'b'; UPDATE t SET v = v + 1; SELECT id, v FROM t ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();

        reader.FieldCount.Should().Be(1);
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetInt64(0).Should().Be(1);
        (await reader.ReadAsync()).Should().BeFalse();

        (await reader.NextResultAsync()).Should().BeTrue();
        reader.FieldCount.Should().Be(2);
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetString(0).Should().Be("a");
        reader.GetString(1).Should().Be("b");
        (await reader.ReadAsync()).Should().BeFalse();

        // The UPDATE returns no rows, so NextResult moves straight past it to the last SELECT.
        (await reader.NextResultAsync()).Should().BeTrue();
        reader.FieldCount.Should().Be(2);
        reader.GetName(0).Should().Be("id");
        var rows = new List<(int Id, int V)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetInt32(1)));
        }

        rows.Should().Equal((1, 11), (2, 21), (3, 31));
        (await reader.NextResultAsync()).Should().BeFalse();
        reader.FieldCount.Should().Be(0);
        reader.RecordsAffected.Should().Be(3);
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task NextResult_SkipsUnreadRows(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        await using var command = new MySqlCommand("SELECT id FROM t ORDER BY id; SELECT 'second'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetInt32(0).Should().Be(1);

        (await reader.NextResultAsync()).Should().BeTrue();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetString(0).Should().Be("second");
        (await reader.NextResultAsync()).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task RecordsAffected_SumsEveryStatement(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        var affected = await ExecuteAsync(connection,
            "INSERT INTO t (v) VALUES (100), (200); UPDATE t SET v = v + 1 WHERE v < 100; DELETE FROM t WHERE v = 200");

        affected.Should().Be(2 + 3 + 1);
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM t")).Should().Be(4L);
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task RecordsAffected_CountsStatementsAroundResultSets(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        await using var command = new MySqlCommand(
            "UPDATE t SET v = 0 WHERE id = 1; SELECT COUNT(*) FROM t; DELETE FROM t WHERE id > 1; SELECT COUNT(*) FROM t", connection);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetInt64(0).Should().Be(3);
        (await reader.NextResultAsync()).Should().BeTrue();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetInt64(0).Should().Be(1);
        (await reader.NextResultAsync()).Should().BeFalse();

        reader.RecordsAffected.Should().Be(1 + 2);
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task RecordsAffected_IsMinusOne_ForSelectsOnly(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        await using var command = new MySqlCommand("SELECT * FROM t; SELECT 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.NextResultAsync())
        {
        }

        reader.RecordsAffected.Should().Be(-1);
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task ErrorInSecondStatement_SurfacesFromNextResult_AfterTheFirstResultIsRead(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        await using (var command = new MySqlCommand("SELECT 'first'; SELECT * FROM no_such_table; INSERT INTO t (v) VALUES (99)", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            (await reader.ReadAsync()).Should().BeTrue();
            reader.GetString(0).Should().Be("first");
            (await reader.ReadAsync()).Should().BeFalse();

            var next = () => reader.NextResultAsync();
            var error = (await next.Should().ThrowAsync<MySqlException>()).Which;
            error.Kind.Should().Be(MySqlErrorKind.Server);
            error.Number.Should().Be(1146);
            error.SqlState.Should().Be("42S02");
            error.Message.Should().Contain("no_such_table");
        }

        // The server stops at the failing statement; the INSERT after it never ran.
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM t WHERE v = 99")).Should().Be(0L);
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task ErrorInSecondStatement_SurfacesFromExecuteNonQuery(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        var act = () => ExecuteAsync(connection, "UPDATE t SET v = 5 WHERE id = 1; SELEC 1; UPDATE t SET v = 6 WHERE id = 2");

        var error = (await act.Should().ThrowAsync<MySqlException>()).Which;
        error.Number.Should().Be(1064);
        error.SqlState.Should().Be("42000");
        (await ScalarAsync(connection, "SELECT v FROM t WHERE id = 1")).Should().Be(5, "the first statement ran");
        (await ScalarAsync(connection, "SELECT v FROM t WHERE id = 2")).Should().Be(20, "the third statement did not");
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task ErrorWhileStreamingRows_SurfacesFromRead_AndTheConnectionRecovers(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        // The subquery returns two rows only for id 2, after row 1 has been sent.
        await using (var command = new MySqlCommand(
            "SELECT id, IF(id = 2, (SELECT 1 UNION SELECT 2), 0) FROM t ORDER BY id; SELECT 'never'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            (await reader.ReadAsync()).Should().BeTrue();
            reader.GetInt32(0).Should().Be(1);
            var read = () => reader.ReadAsync();
            (await read.Should().ThrowAsync<MySqlException>()).Which.Number.Should().Be(1242);
        }

        (await ScalarAsync(connection, "SELECT 'recovered'")).Should().Be("recovered");
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task EmptyResultSet_ReadsNoRows_AndHasColumns(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        await using var command = new MySqlCommand("SELECT id, v FROM t WHERE 1 = 0; SELECT 5; SELECT id FROM t WHERE id < 0", connection);
        await using var reader = await command.ExecuteReaderAsync();
        reader.FieldCount.Should().Be(2);
        reader.GetName(1).Should().Be("v");
        reader.GetFieldType(0).Should().Be<int>();
        (await reader.ReadAsync()).Should().BeFalse();
        (await reader.ReadAsync()).Should().BeFalse("reading again past the end stays false");

        (await reader.NextResultAsync()).Should().BeTrue();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetInt64(0).Should().Be(5);

        (await reader.NextResultAsync()).Should().BeTrue();
        reader.FieldCount.Should().Be(1);
        (await reader.ReadAsync()).Should().BeFalse();
        (await reader.NextResultAsync()).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task EmptyResultSet_HasRowsIsFalse_BeforeRead(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        await using var command = new MySqlCommand("SELECT id FROM t WHERE 1 = 0; SELECT id FROM t", connection);
        await using var reader = await command.ExecuteReaderAsync();
        reader.HasRows.Should().BeFalse("the first result set is empty");

        (await reader.NextResultAsync()).Should().BeTrue();
        reader.HasRows.Should().BeTrue("the second result set has three rows");
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task NonQueryOnly_HasNoResultSet(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        await using var command = new MySqlCommand("UPDATE t SET v = v WHERE id = 1; DO 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        reader.FieldCount.Should().Be(0);
        (await reader.ReadAsync()).Should().BeFalse();
        (await reader.NextResultAsync()).Should().BeFalse();
        reader.RecordsAffected.Should().Be(0, "setting v to itself changes nothing");
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task LastInsertedId_IsTheGeneratedAutoIncrementValue(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        await using (var insert = new MySqlCommand("INSERT INTO t (v) VALUES (40)", connection))
        {
            (await insert.ExecuteNonQueryAsync()).Should().Be(1);
            insert.LastInsertedId.Should().Be(4);
        }

        // A multi-row INSERT reports the first generated id, as LAST_INSERT_ID() does.
        await using (var insert = new MySqlCommand("INSERT INTO t (v) VALUES (50), (60), (70)", connection))
        {
            (await insert.ExecuteNonQueryAsync()).Should().Be(3);
            insert.LastInsertedId.Should().Be(5);
            (await ScalarAsync(connection, "SELECT LAST_INSERT_ID()")).Should().Be(5UL);
        }

        await ExecuteAsync(connection, "CREATE TABLE big (id BIGINT AUTO_INCREMENT PRIMARY KEY, v INT) AUTO_INCREMENT = 5000000000");
        await using (var insert = new MySqlCommand("INSERT INTO big (v) VALUES (1); SELECT 'after'", connection))
        {
            (await insert.ExecuteScalarAsync()).Should().Be("after");
            insert.LastInsertedId.Should().Be(5_000_000_000L);
        }
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task UnknownTable_ThrowsServerError1146_NamingTheTable(bool classicEof)
    {
        await using var connection = await OpenUnpooledAsync(classicEof);

        var act = () => ScalarAsync(connection, "SELECT * FROM missing_table_x");

        var error = (await act.Should().ThrowAsync<MySqlException>()).Which;
        error.Kind.Should().Be(MySqlErrorKind.Server);
        error.Number.Should().Be(1146);
        error.ErrorCode.Should().Be(1146);
        error.SqlState.Should().Be("42S02");
        error.Message.Should().Contain("missing_table_x");
        error.IsTransient.Should().BeFalse();
        connection.State.Should().Be(System.Data.ConnectionState.Open);
        (await ScalarAsync(connection, "SELECT 'usable'")).Should().Be("usable");
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task SyntaxError_ThrowsServerError1064(bool classicEof)
    {
        await using var connection = await OpenUnpooledAsync(classicEof);

        await using var command = new MySqlCommand("SELEC 1 FORM dual", connection);
        var act = () => command.ExecuteReaderAsync();

        var error = (await act.Should().ThrowAsync<MySqlException>()).Which;
        error.Kind.Should().Be(MySqlErrorKind.Server);
        error.Number.Should().Be(1064);
        error.SqlState.Should().Be("42000");
        error.Message.Should().Contain("SELEC");
        (await connection.PingAsync()).Should().BeTrue();
        (await ScalarAsync(connection, "SELECT 2")).Should().Be(2L);
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task ManyErrorsInARow_LeaveTheConnectionUsable(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        for (var i = 0; i < 20; i++)
        {
            var act = () => ExecuteAsync(connection, i % 2 == 0 ? "INSERT INTO t (id, v) VALUES (1, 0)" : "SELECT nope FROM t");
            (await act.Should().ThrowAsync<MySqlException>()).Which.Number.Should().Be(i % 2 == 0 ? 1062 : 1054);
        }

        (await ScalarAsync(connection, "SELECT CAST(SUM(v) AS SIGNED) FROM t")).Should().Be(60L);
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task ReadingAValue_BeforeRead_ThrowsInvalidOperationException(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        await using var command = new MySqlCommand("SELECT id, v FROM t ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();

        AssertNoCurrentRow(reader);
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetInt32(0).Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task ReadingAValue_PastTheLastRow_ThrowsInvalidOperationException(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        await using var command = new MySqlCommand("SELECT id, v FROM t ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
        }

        AssertNoCurrentRow(reader);
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task ReadingAValue_AfterTheLastResult_ThrowsInvalidOperationException(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        await using var command = new MySqlCommand("SELECT id, v FROM t ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        (await reader.NextResultAsync()).Should().BeFalse();

        AssertNoCurrentRow(reader);
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task DisposingAReaderEarly_DiscardsTheRestOfTheCommand(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        await using (var command = new MySqlCommand("SELECT seq FROM seq_1_to_10000; UPDATE t SET v = -1; SELECT 'unread'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            (await reader.ReadAsync()).Should().BeTrue();
            reader.GetInt64(0).Should().Be(1);
        }

        // The rest of the command still ran on the server; its results were discarded.
        (await ScalarAsync(connection, "SELECT MIN(v) FROM t")).Should().Be(-1);
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task ColumnMetadata_NamesOrdinalsAndTypes(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        await using var command = new MySqlCommand(
            "SELECT id AS Id, v AS `Value Column`, 'x' AS lower_name, 1 AS `dup`, 2 AS `DUP`, NULL AS nothing FROM t ORDER BY id LIMIT 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();

        reader.FieldCount.Should().Be(6);
        Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)
            .Should().Equal("Id", "Value Column", "lower_name", "dup", "DUP", "nothing");
        reader.GetOrdinal("Id").Should().Be(0);
        reader.GetOrdinal("ID").Should().Be(0, "lookup is case-insensitive");
        reader.GetOrdinal("value column").Should().Be(1);
        reader.GetOrdinal("LOWER_NAME").Should().Be(2);
        reader.GetOrdinal("dup").Should().Be(3, "an exact-case match wins");
        reader.GetOrdinal("DUP").Should().Be(4, "an exact-case match wins");
        reader.GetOrdinal("Dup").Should().Be(3, "otherwise the first case-insensitive match");
        reader["value COLUMN"].Should().Be(10);
        reader["lower_name"].Should().Be("x");
        reader[0].Should().Be(1);

        var unknown = () => reader.GetOrdinal("no_such_column");
        unknown.Should().Throw<IndexOutOfRangeException>().WithMessage("*no_such_column*");
        var outOfRange = () => reader.GetName(6);
        outOfRange.Should().Throw<IndexOutOfRangeException>();

        reader.GetFieldType(0).Should().Be<int>();
        reader.GetDataTypeName(0).Should().Be("INT");
        reader.GetFieldType(2).Should().Be<string>();
        reader.GetDataTypeName(2).Should().Be("VARCHAR");
        reader.IsDBNull(5).Should().BeTrue();
        reader.GetValue(5).Should().Be(DBNull.Value);
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task ExecuteScalar_ReturnsTheFirstValueOfTheFirstResultSet(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        (await ScalarAsync(connection, "SET @a = 7; SELECT @a + 1, 'ignored'; SELECT 'also ignored'")).Should().Be(8L);
        (await ScalarAsync(connection, "SELECT id FROM t WHERE id < 0")).Should().BeNull();
        (await ScalarAsync(connection, "SELECT NULL")).Should().Be(DBNull.Value);
    }

    [Theory]
    [MemberData(nameof(EofModes))]
    public async Task ExecuteScalar_ReturnsNull_WhenTheFirstResultSetIsEmpty(bool classicEof)
    {
        await using var connection = await OpenWithTableAsync(classicEof);

        // The first result set decides, as in DbCommand.ExecuteScalar: later result sets are not searched.
        (await ScalarAsync(connection, "SELECT id FROM t WHERE id < 0; SELECT 'second result set'")).Should().BeNull();
    }

    private async Task<MySqlConnection> OpenWithTableAsync(bool classicEof)
    {
        var connection = await OpenUnpooledAsync(classicEof);
        await ExecuteAsync(connection, "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL)");
        await ExecuteAsync(connection, "INSERT INTO t (v) VALUES (10), (20), (30)");
        return connection;
    }

    private static void AssertNoCurrentRow(MySqlDataReader reader)
    {
        var reads = new (string Name, Action Read)[]
        {
            ("GetValue", () => reader.GetValue(0)),
            ("indexer", () => _ = reader[0]),
            ("IsDBNull", () => reader.IsDBNull(0)),
            ("GetInt32", () => reader.GetInt32(0)),
            ("GetInt64", () => reader.GetInt64(0)),
            ("GetUInt64", () => reader.GetUInt64(0)),
            ("GetString", () => reader.GetString(0)),
            ("GetDouble", () => reader.GetDouble(0)),
            ("GetDecimal", () => reader.GetDecimal(0)),
            ("GetFieldValue<int>", () => reader.GetFieldValue<int>(0)),
            ("GetFieldValue<object>", () => reader.GetFieldValue<object>(0)),
            ("GetRawBytes", () => reader.GetRawBytes(0)),
        };
        using var scope = new AssertionScope();
        foreach (var (name, read) in reads)
        {
            read.Should().Throw<InvalidOperationException>(name + " has no current row to read");
        }
    }

    private static ServerSession Session(MySqlConnection connection) =>
        (ServerSession)typeof(MySqlConnection).GetField("_session", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(connection)!;
}
