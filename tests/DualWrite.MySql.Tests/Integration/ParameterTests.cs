using System.Text;

namespace DualWrite.MySql.Tests.Integration;

/// <summary>
/// Client-side parameter binding against the real server: hostile values stay data in both
/// backslash modes, placeholders are found only where the server would see them, and values that
/// cannot be sent fail before anything reaches the server.
/// </summary>
public class ParameterTests : ScratchDatabaseTests
{
    private const string NoBackslashEscapes = "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')";
    private const string BackslashEscapes = "SET SESSION sql_mode = REPLACE(@@sql_mode, 'NO_BACKSLASH_ESCAPES', '')";

    private static readonly Dictionary<string, string> HostileValues = new()
    {
        ["or_1_equals_1"] = "x' OR '1'='1",
        ["escaped_quote_then_drop"] = @"\'; DROP TABLE victim; --",
        ["double_quote_then_drop"] = "\"; DROP TABLE victim; -- ",
        ["backslash_quote_pairs"] = @"\\'' \' '\ \\\'",
        ["trailing_backslash"] = @"ends with a backslash \",
        ["only_backslashes"] = @"\\\\",
        ["nul_bytes"] = "nul\0in\0the middle\0",
        ["backslash_zero_text"] = @"\0 is two characters here",
        ["line_breaks_and_ctrl_z"] = "line\nbreak\r\nand\u001Actrl-z",
        ["comment_openers"] = "-- not a comment /* nor this */ # nor this",
        ["stacked_statement"] = "'; INSERT INTO victim VALUES (666); SELECT '",
        ["placeholder_lookalikes"] = "? @v @@sql_mode :name $1",
        ["backticks"] = "`victim`; DROP TABLE `victim`",
        ["unicode_with_quotes"] = "😀'é\"\\ǅ",
        ["percent_and_underscore"] = @"100% \_ \% _",
    };

    public ParameterTests()
        : base("params")
    {
    }

    public static TheoryData<string, bool> HostileCases
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var name in HostileValues.Keys)
            {
                data.Add(name, false);
                data.Add(name, true);
            }

            return data;
        }
    }

    public static TheoryData<bool> Modes => new() { false, true };

    [Theory]
    [MemberData(nameof(HostileCases))]
    public async Task HostileValue_StaysData(string name, bool noBackslashEscapes)
    {
        var value = HostileValues[name];
        await using var connection = await OpenWithTablesAsync(noBackslashEscapes);

        await using (var insert = new MySqlCommand("INSERT INTO t (s, b) VALUES (@v, @v)", connection))
        {
            insert.Parameters.AddWithValue("@v", value);
            (await insert.ExecuteNonQueryAsync()).Should().Be(1);
        }

        await using (var select = new MySqlCommand("SELECT s, b, @v, s = @v FROM t WHERE s = ?", connection))
        {
            select.Parameters.AddWithValue("v", value);
            await using var reader = await select.ExecuteReaderAsync();
            (await reader.ReadAsync()).Should().BeTrue("the stored value matches itself as a parameter");
            reader.GetString(0).Should().Be(value);
            reader.GetFieldValue<byte[]>(1).Should().Equal(Encoding.UTF8.GetBytes(value), "the server received exactly these UTF-8 bytes");
            reader.GetString(2).Should().Be(value);
            reader.GetInt64(3).Should().Be(1);
            (await reader.ReadAsync()).Should().BeFalse();
        }

        (await ScalarAsync(connection, "SELECT COUNT(*) FROM t")).Should().Be(1L);
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM victim")).Should().Be(1L, "the victim table is intact");
        (await ModeIsOnAsync(connection)).Should().Be(noBackslashEscapes);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task BackslashAndQuote_RoundTrip_AsTheModeChangesOnOneConnection(bool classicEof)
    {
        const string value = @"C:\path\to 'file' \' \\ ""quoted""";
        await using var connection = await OpenUnpooledAsync(classicEof);

        (await ScalarAsync(connection, "SELECT ?", value)).Should().Be(value);

        await ExecuteAsync(connection, NoBackslashEscapes);
        (await ModeIsOnAsync(connection)).Should().BeTrue();
        (await ScalarAsync(connection, "SELECT ?", value)).Should().Be(value, "the client must double quotes and leave backslashes alone");

        // The mode is also picked up from the end of a result set, not just from an OK packet.
        (await ScalarAsync(connection, "SELECT @@sql_mode")).Should().BeOfType<string>();
        (await ScalarAsync(connection, "SELECT ?", value)).Should().Be(value);

        await ExecuteAsync(connection, BackslashEscapes);
        (await ModeIsOnAsync(connection)).Should().BeFalse();
        (await ScalarAsync(connection, "SELECT ?", value)).Should().Be(value, "the client must escape backslashes again");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task SqlModeChangedEarlierInTheSameCommand_ParameterStaysData(bool startWithNoBackslashEscapes)
    {
        const string value = @"\' OR 1=1 -- ";
        await using var connection = await OpenAsync();
        if (startWithNoBackslashEscapes)
        {
            await ExecuteAsync(connection, NoBackslashEscapes);
        }

        // The mode flips inside the batch, after the client has already escaped the parameter.
        var flip = startWithNoBackslashEscapes ? BackslashEscapes : NoBackslashEscapes;
        await using var command = new MySqlCommand(flip + "; SELECT ? AS v", connection);
        command.Parameters.Add(new MySqlParameter { Value = value });
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();

        reader.GetName(0).Should().Be("v", "the parameter must not have turned into SQL");
        reader.GetValue(0).Should().Be(value);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task NulAndControlCharacters_RoundTrip(bool noBackslashEscapes)
    {
        var value = new string(Enumerable.Range(0, 32).Select(i => (char)i).ToArray()) + "\u007F'\\";
        await using var connection = await OpenWithTablesAsync(noBackslashEscapes);

        (await ScalarAsync(connection, "SELECT ?", value)).Should().Be(value);
        (await ScalarAsync(connection, "SELECT LENGTH(?)", value)).Should().Be((long)value.Length);
    }

    [Fact]
    public async Task PositionalParameters_BindInOrder()
    {
        await using var connection = await OpenAsync();

        await using var command = new MySqlCommand("SELECT ?, ?, ?, ? + ?", connection);
        foreach (var value in new object?[] { 1, "two", null, 40, 2 })
        {
            command.Parameters.Add(new MySqlParameter { Value = value });
        }

        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetInt32(0).Should().Be(1);
        reader.GetString(1).Should().Be("two");
        reader.IsDBNull(2).Should().BeTrue();
        reader.GetInt64(3).Should().Be(42);
    }

    [Fact]
    public async Task NamedParameters_BindByName_WithOrWithoutPrefix_CaseInsensitively()
    {
        await using var connection = await OpenAsync();

        await using var command = new MySqlCommand("SELECT @first, @SECOND, @third, @First + @second", connection);
        command.Parameters.AddWithValue("@First", 1);
        command.Parameters.AddWithValue("second", 20);
        command.Parameters.AddWithValue("?third", "3");
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetInt32(0).Should().Be(1);
        reader.GetInt32(1).Should().Be(20);
        reader.GetString(2).Should().Be("3");
        reader.GetInt64(3).Should().Be(21);
    }

    [Fact]
    public async Task ParameterName_DoesNotMatchAsAPrefixOfALongerName()
    {
        await using var connection = await OpenAsync();

        await using var command = new MySqlCommand("SELECT @p, @p1, @p_2, @p.x", connection);
        command.Parameters.AddWithValue("p", 1);
        command.Parameters.AddWithValue("p1", 2);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetInt32(0).Should().Be(1);
        reader.GetInt32(1).Should().Be(2);
        reader.IsDBNull(2).Should().BeTrue("@p_2 is an unset user variable, not @p followed by _2");
        reader.IsDBNull(3).Should().BeTrue("@p.x is an unset user variable, not @p followed by .x");
    }

    [Fact]
    public async Task UserVariables_WithoutAMatchingParameter_StayUserVariables()
    {
        await using var connection = await OpenAsync();

        await using var command = new MySqlCommand(
            "SET @uv = 41, @`quoted var` = 'q'; SELECT @uv + @p, @uv, @`quoted var`, @@sql_mode = @@session.sql_mode", connection);
        command.Parameters.AddWithValue("p", 1);
        command.Parameters.AddWithValue("quoted", "must not be used");
        command.Parameters.AddWithValue("sql_mode", "must not be used");
        command.Parameters.AddWithValue("session", "must not be used");
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetInt64(0).Should().Be(42);
        reader.GetInt64(1).Should().Be(41);
        reader.GetString(2).Should().Be("q");
        reader.GetInt64(3).Should().Be(1, "@@system variables are never parameters");
    }

    [Fact]
    public async Task UserVariable_KeepsItsValueAcrossCommands()
    {
        await using var connection = await OpenAsync();

        await using (var set = new MySqlCommand("SET @total = @start * 2", connection))
        {
            set.Parameters.AddWithValue("start", 21);
            await set.ExecuteNonQueryAsync();
        }

        await using var get = new MySqlCommand("SELECT @total, @unrelated", connection);
        get.Parameters.AddWithValue("other", 0);
        await using var reader = await get.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetInt64(0).Should().Be(42);
        reader.IsDBNull(1).Should().BeTrue();
    }

    [Fact]
    public async Task QuestionMarks_InsideLiteralsIdentifiersAndComments_AreNotPlaceholders()
    {
        await using var connection = await OpenAsync();

        var sql = string.Join("\n",
            "SELECT '?' AS single_quoted,",
            "  \"?\" AS double_quoted,",
            "  'it''s ?' AS doubled_quote,",
            "  'it\\'s ? \\\\' AS backslash_quote,",
            "  ? AS first_real, /* ? block comment ? */",
            "  1 AS `?col`, -- ? line comment",
            "  ? AS second_real # ? hash comment",
            "  , 3 AS `a``?`");
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.Add(new MySqlParameter { Value = "one" });
        command.Parameters.Add(new MySqlParameter { Value = "two" });
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();

        reader.GetString(0).Should().Be("?");
        reader.GetString(1).Should().Be("?");
        reader.GetString(2).Should().Be("it's ?");
        reader.GetString(3).Should().Be("it's ? \\");
        reader.GetString(4).Should().Be("one");
        reader.GetName(5).Should().Be("?col");
        reader.GetString(6).Should().Be("two");
        reader.GetName(7).Should().Be("a`?");
    }

    [Fact]
    public async Task NamedPlaceholders_InsideLiteralsIdentifiersAndComments_AreNotReplaced()
    {
        await using var connection = await OpenAsync();

        var sql = "SELECT '@p' AS a, \"x @p\" AS b, @p AS real_one /* @p */, `@p` FROM (SELECT 1 AS `@p`) AS d -- @p\n# @p\n";
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("p", "bound");
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetString(0).Should().Be("@p");
        reader.GetString(1).Should().Be("x @p");
        reader.GetString(2).Should().Be("bound");
        reader.GetName(3).Should().Be("@p");
        reader.GetInt64(3).Should().Be(1);
    }

    [Fact]
    public async Task Placeholders_InsideExecutableComments_AreBound()
    {
        await using var connection = await OpenAsync();

        // The server runs the text of /*! ... */ and /*M! ... */ comments, so placeholders there are live.
        await using var command = new MySqlCommand("SELECT 1 /*! , @p AS mysql_comment */ /*M!100000 , ? AS mariadb_comment */", connection);
        command.Parameters.AddWithValue("p", "bound");
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.FieldCount.Should().Be(3);
        reader.GetValue(1).Should().Be("bound");
        reader.GetValue(2).Should().Be("bound");
    }

    [Fact]
    public async Task BackslashBeforeAQuote_EscapesIt_OnlyWithoutNoBackslashEscapes()
    {
        await using var connection = await OpenAsync();

        (await ScalarAsync(connection, "SELECT CONCAT('it\\'s ?', ?)", "!")).Should().Be("it's ?!");

        await ExecuteAsync(connection, NoBackslashEscapes);
        // Now 'C:\' is a complete literal and the ? after it is a placeholder.
        (await ScalarAsync(connection, "SELECT CONCAT('C:\\', ?)", "dir")).Should().Be("C:\\dir");
    }

    [Fact]
    public async Task DoubleDash_WithoutWhitespace_IsNotAComment()
    {
        await using var connection = await OpenAsync();

        (await ScalarAsync(connection, "SELECT 10--?", 3)).Should().Be(13L, "10 - (-3)");
        (await ScalarAsync(connection, "SELECT 10 -- ? is commented out\n + ?", 1)).Should().Be(11L);
        (await ScalarAsync(connection, "SELECT 1-?", -1)).Should().Be(2L, "a negative value after a minus must not form a comment");
    }

    [Fact]
    public async Task TooFewPositionalParameters_ThrowsInvalidOperationException_BeforeSending()
    {
        await using var connection = await OpenAsync();

        await using var command = new MySqlCommand("SELECT ?, ?", connection);
        command.Parameters.Add(new MySqlParameter { Value = 1 });
        var act = () => command.ExecuteScalarAsync();

        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("'?'");
        (await ScalarAsync(connection, "SELECT 'usable'")).Should().Be("usable");
    }

    [Fact]
    public async Task PlaceholderWithoutAnyParameters_IsSentVerbatim_AndTheServerRejectsIt()
    {
        await using var connection = await OpenAsync();

        var act = () => ScalarAsync(connection, "SELECT ?");

        (await act.Should().ThrowAsync<MySqlException>()).Which.Number.Should().Be(1064);
    }

    [Fact]
    public async Task DateTimeOffsetParameter_ThrowsInvalidValue_AndTheConnectionStaysUsable()
    {
        await using var connection = await OpenAsync();

        var act = () => ScalarAsync(connection, "SELECT ?", DateTimeOffset.UtcNow);

        var error = (await act.Should().ThrowAsync<MySqlException>()).Which;
        error.Kind.Should().Be(MySqlErrorKind.InvalidValue);
        error.Message.Should().Contain("DateTimeOffset");
        (await ScalarAsync(connection, "SELECT 'usable'")).Should().Be("usable");
    }

    public static TheoryData<string> UnsendableValues => new() { "nan", "infinity", "lone_surrogate", "object" };

    [Theory]
    [MemberData(nameof(UnsendableValues))]
    public async Task UnsendableValue_ThrowsInvalidValue_BeforeSending(string kind)
    {
        object value = kind switch
        {
            "nan" => double.NaN,
            "infinity" => float.PositiveInfinity,
            "lone_surrogate" => "a\uD800b",
            _ => new object(),
        };
        await using var connection = await OpenAsync();

        var positional = () => ScalarAsync(connection, "SELECT ?", value);
        await using var command = new MySqlCommand("SELECT @v", connection);
        command.Parameters.AddWithValue("v", value);
        var named = () => command.ExecuteScalarAsync();

        (await positional.Should().ThrowAsync<MySqlException>()).Which.Kind.Should().Be(MySqlErrorKind.InvalidValue);
        (await named.Should().ThrowAsync<MySqlException>()).Which.Kind.Should().Be(MySqlErrorKind.InvalidValue);
        (await ScalarAsync(connection, "SELECT 'usable'")).Should().Be("usable");
    }

    [Fact]
    public async Task CommonClrTypes_BindAsTheirSqlValues()
    {
        await using var connection = await OpenAsync();
        var guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

        await using var command = new MySqlCommand(
            "SELECT @t, @f, @g, @e, @d, @time, @span, @c, @bytes, @big, @dec", connection);
        command.Parameters.AddWithValue("t", true);
        command.Parameters.AddWithValue("f", false);
        command.Parameters.AddWithValue("g", guid);
        command.Parameters.AddWithValue("e", DayOfWeek.Friday);
        command.Parameters.AddWithValue("d", new DateOnly(2024, 2, 29));
        command.Parameters.AddWithValue("time", new TimeOnly(23, 59, 59, 999, 999));
        command.Parameters.AddWithValue("span", -TimeSpan.FromHours(30.5));
        command.Parameters.AddWithValue("c", '\'');
        command.Parameters.AddWithValue("bytes", new ReadOnlyMemory<byte>([0x00, 0x27, 0x5C]));
        command.Parameters.AddWithValue("big", ulong.MaxValue);
        command.Parameters.AddWithValue("dec", 1.50m);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();

        reader.GetInt64(0).Should().Be(1);
        reader.GetInt64(1).Should().Be(0);
        reader.GetGuid(2).Should().Be(guid);
        reader.GetInt64(3).Should().Be((long)DayOfWeek.Friday);
        reader.GetString(4).Should().Be("2024-02-29");
        reader.GetString(5).Should().Be("23:59:59.999999");
        reader.GetString(6).Should().Be("-30:30:00.000000");
        reader.GetString(7).Should().Be("'");
        reader.GetFieldValue<byte[]>(8).Should().Equal(0x00, 0x27, 0x5C);
        reader.GetUInt64(9).Should().Be(ulong.MaxValue);
        reader.GetDecimal(10).Should().Be(1.50m);
        reader.GetDecimal(10).ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Be("1.50");
    }

    private async Task<MySqlConnection> OpenWithTablesAsync(bool noBackslashEscapes)
    {
        var connection = await OpenAsync();
        await ExecuteAsync(connection, "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(300) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, b VARBINARY(1200))");
        await ExecuteAsync(connection, "CREATE TABLE victim (n INT)");
        await ExecuteAsync(connection, "INSERT INTO victim VALUES (1)");
        if (noBackslashEscapes)
        {
            await ExecuteAsync(connection, NoBackslashEscapes);
        }

        return connection;
    }

    private static async Task<bool> ModeIsOnAsync(MySqlConnection connection) =>
        ((string)(await ScalarAsync(connection, "SELECT @@SESSION.sql_mode"))!).Contains("NO_BACKSLASH_ESCAPES", StringComparison.Ordinal);
}
