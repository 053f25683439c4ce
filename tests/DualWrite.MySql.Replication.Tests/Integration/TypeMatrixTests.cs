using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DualWrite.MySql.Replication.Tests.Integration;

/// <summary>
/// Round-trips boundary values of every column type through the real server, both as parameters
/// (the client's literal writer) and as literals written in the SQL text, and checks the decoded
/// value, its CLR type and the reported type name.
/// </summary>
public class TypeMatrixTests : ScratchDatabaseTests
{
    private const string Table = """
        CREATE TABLE IF NOT EXISTS matrix (
            id INT AUTO_INCREMENT PRIMARY KEY,
            ti TINYINT, tiu TINYINT UNSIGNED,
            si SMALLINT, siu SMALLINT UNSIGNED,
            mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
            i INT, iu INT UNSIGNED,
            bi BIGINT, biu BIGINT UNSIGNED,
            d65_30 DECIMAL(65,30), d65_0 DECIMAL(65,0), d10_2 DECIMAL(10,2), d28_10 DECIMAL(28,10),
            f FLOAT, dbl DOUBLE,
            dt DATE, dt0 DATETIME(0), dt3 DATETIME(3), dt6 DATETIME(6), ts6 TIMESTAMP(6) NULL,
            tm0 TIME(0), tm6 TIME(6), yr YEAR,
            c_mb4 CHAR(40) CHARACTER SET utf8mb4, vc_mb4 VARCHAR(200) CHARACTER SET utf8mb4, tx_mb4 TEXT CHARACTER SET utf8mb4,
            c_mb3 CHAR(40) CHARACTER SET utf8mb3, vc_mb3 VARCHAR(200) CHARACTER SET utf8mb3, tx_mb3 TEXT CHARACTER SET utf8mb3,
            c_l1 CHAR(40) CHARACTER SET latin1, vc_l1 VARCHAR(200) CHARACTER SET latin1, tx_l1 TEXT CHARACTER SET latin1,
            bin4 BINARY(4), vbin VARBINARY(300), bl BLOB, lbl LONGBLOB, ltx LONGTEXT CHARACTER SET utf8mb4,
            en ENUM('small','medium','large','€uro'), st SET('a','b','c','ü'),
            b1 BIT(1), b64 BIT(64),
            js JSON
        )
        """;

    // Every byte value, for the BLOB case and its hex literal.
    private static readonly byte[] AllBytes = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();

    private const string Latin1Specials = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";

    private const string Json = """{"a":{"b":[1,2.5,"é😀",[]],"c":null},"ü":true,"esc":"line\nbreak"}""";

    private static readonly Dictionary<string, Case> Cases = new Case[]
    {
        new("tinyint_min", "ti", "-128", (sbyte)-128, "TINYINT"),
        new("tinyint_max", "ti", "127", (sbyte)127, "TINYINT"),
        new("tinyint_unsigned_min", "tiu", "0", (byte)0, "TINYINT UNSIGNED"),
        new("tinyint_unsigned_max", "tiu", "255", (byte)255, "TINYINT UNSIGNED"),
        new("smallint_min", "si", "-32768", short.MinValue, "SMALLINT"),
        new("smallint_max", "si", "32767", short.MaxValue, "SMALLINT"),
        new("smallint_unsigned_min", "siu", "0", (ushort)0, "SMALLINT UNSIGNED"),
        new("smallint_unsigned_max", "siu", "65535", ushort.MaxValue, "SMALLINT UNSIGNED"),
        new("mediumint_min", "mi", "-8388608", -8388608, "MEDIUMINT"),
        new("mediumint_max", "mi", "8388607", 8388607, "MEDIUMINT"),
        new("mediumint_unsigned_min", "miu", "0", 0u, "MEDIUMINT UNSIGNED"),
        new("mediumint_unsigned_max", "miu", "16777215", 16777215u, "MEDIUMINT UNSIGNED"),
        new("int_min", "i", "-2147483648", int.MinValue, "INT"),
        new("int_max", "i", "2147483647", int.MaxValue, "INT"),
        new("int_unsigned_min", "iu", "0", 0u, "INT UNSIGNED"),
        new("int_unsigned_max", "iu", "4294967295", uint.MaxValue, "INT UNSIGNED"),
        new("bigint_min", "bi", "-9223372036854775808", long.MinValue, "BIGINT"),
        new("bigint_max", "bi", "9223372036854775807", long.MaxValue, "BIGINT"),
        new("bigint_unsigned_min", "biu", "0", 0UL, "BIGINT UNSIGNED"),
        new("bigint_unsigned_max", "biu", "18446744073709551615", ulong.MaxValue, "BIGINT UNSIGNED"),

        Dec("decimal65_30_max", "d65_30", new string('9', 35) + "." + new string('9', 30)),
        Dec("decimal65_30_min", "d65_30", "-" + new string('9', 35) + "." + new string('9', 30)),
        Dec("decimal65_30_smallest_fraction", "d65_30", "0." + new string('0', 29) + "1"),
        Dec("decimal65_30_negative_fraction", "d65_30", "-0." + new string('9', 30)),
        Dec("decimal65_30_mixed_digits", "d65_30", "-12345678901234567890123456789012345.678901234567890123456789012345"),
        Dec("decimal65_0_max", "d65_0", new string('9', 65)),
        Dec("decimal65_0_min", "d65_0", "-" + new string('9', 65)),
        new("decimal10_2_max", "d10_2", "99999999.99", 99999999.99m, "DECIMAL"),
        new("decimal10_2_min", "d10_2", "-99999999.99", -99999999.99m, "DECIMAL"),
        new("decimal10_2_keeps_scale", "d10_2", "1.50", 1.50m, "DECIMAL"),
        new("decimal28_10_max", "d28_10", "999999999999999999.9999999999", 999999999999999999.9999999999m, "DECIMAL"),
        new("decimal28_10_min", "d28_10", "-999999999999999999.9999999999", -999999999999999999.9999999999m, "DECIMAL"),
        new("decimal28_10_smallest_fraction", "d28_10", "0.0000000001", 0.0000000001m, "DECIMAL"),

        // The server prints FLOAT with six significant digits, so these are values that survive that.
        new("float_six_digit_max", "f", "3.40282e38", 3.40282e38f, "FLOAT"),
        new("float_six_digit_min", "f", "-3.40282e38", -3.40282e38f, "FLOAT"),
        new("float_smallest_normal", "f", "1.17549e-38", 1.17549e-38f, "FLOAT"),
        new("float_epsilon", "f", "1.4013e-45", float.Epsilon, "FLOAT"),
        new("float_tenth", "f", "0.1", 0.1f, "FLOAT"),
        new("double_max", "dbl", "1.7976931348623157e308", double.MaxValue, "DOUBLE"),
        new("double_min", "dbl", "-1.7976931348623157e308", double.MinValue, "DOUBLE"),
        new("double_epsilon", "dbl", "4.9406564584124654e-324", double.Epsilon, "DOUBLE"),
        new("double_smallest_normal", "dbl", "-2.2250738585072014e-308", -2.2250738585072014e-308, "DOUBLE"),
        new("double_tenth", "dbl", "0.1", 0.1, "DOUBLE"),

        new("date_min", "dt", "'1000-01-01'", new DateTime(1000, 1, 1), "DATE"),
        new("date_first_year", "dt", "'0001-01-01'", new DateTime(1, 1, 1), "DATE"),
        new("date_max", "dt", "'9999-12-31'", new DateTime(9999, 12, 31), "DATE"),
        new("date_leap_day", "dt", "'2024-02-29'", new DateTime(2024, 2, 29), "DATE"),
        new("datetime0_max", "dt0", "'9999-12-31 23:59:59'", new DateTime(9999, 12, 31, 23, 59, 59), "DATETIME"),
        new("datetime0_min", "dt0", "'1000-01-01 00:00:00'", new DateTime(1000, 1, 1), "DATETIME"),
        new("datetime3_max", "dt3", "'9999-12-31 23:59:59.999'", new DateTime(9999, 12, 31, 23, 59, 59, 999), "DATETIME"),
        new("datetime6_max", "dt6", "'9999-12-31 23:59:59.999999'", new DateTime(9999, 12, 31, 23, 59, 59, 999, 999), "DATETIME"),
        new("datetime6_min", "dt6", "'1000-01-01 00:00:00.000000'", new DateTime(1000, 1, 1), "DATETIME"),
        new("datetime6_one_microsecond", "dt6", "'2024-02-29 12:34:56.000001'", new DateTime(2024, 2, 29, 12, 34, 56, 0, 1), "DATETIME"),
        new("timestamp6_max", "ts6", "'2038-01-19 03:14:07.999999'", new DateTime(2038, 1, 19, 3, 14, 7, 999, 999), "TIMESTAMP"),
        new("timestamp6_min", "ts6", "'1970-01-01 00:00:01.000000'", new DateTime(1970, 1, 1, 0, 0, 1), "TIMESTAMP"),

        new("time0_min", "tm0", "'-838:59:59'", -new TimeSpan(838, 59, 59), "TIME"),
        new("time0_max", "tm0", "'838:59:59'", new TimeSpan(838, 59, 59), "TIME"),
        new("time0_over_a_day", "tm0", "'100:00:01'", new TimeSpan(100, 0, 1), "TIME"),
        new("time6_max", "tm6", "'838:59:59.999999'", new TimeSpan(838, 59, 59) + TimeSpan.FromTicks(9_999_990), "TIME"),
        new("time6_min", "tm6", "'-838:59:59.999999'", -(new TimeSpan(838, 59, 59) + TimeSpan.FromTicks(9_999_990)), "TIME"),
        new("time6_negative_half_second", "tm6", "'-00:00:00.5'", TimeSpan.FromMilliseconds(-500), "TIME"),
        new("time6_negative_microsecond", "tm6", "'-00:00:00.000001'", TimeSpan.FromTicks(-10), "TIME"),
        new("time6_negative_fraction_with_minutes", "tm6", "'-00:01:02.250000'", -new TimeSpan(0, 0, 1, 2, 250), "TIME"),

        new("year_min", "yr", "1901", (short)1901, "YEAR"),
        new("year_max", "yr", "2155", (short)2155, "YEAR"),
        new("year_zero", "yr", "0", (short)0, "YEAR"),

        new("char_utf8mb4_emoji", "c_mb4", "'😀 Ünï €'", "😀 Ünï €", "CHAR"),
        new("varchar_utf8mb4_emoji", "vc_mb4", "'𝄞 emoji 😀👍🏽 mixed ascii'", "𝄞 emoji 😀👍🏽 mixed ascii", "VARCHAR"),
        new("text_utf8mb4_emoji", "tx_mb4", "'🦄 quotes '' \" and a backslash \\\\ in text'", "🦄 quotes ' \" and a backslash \\ in text", "TEXT"),
        new("char_utf8mb3", "c_mb3", "'Grüße ✓'", "Grüße ✓", "CHAR"),
        new("varchar_utf8mb3", "vc_mb3", "'日本語 ü ß ₩'", "日本語 ü ß ₩", "VARCHAR"),
        new("text_utf8mb3", "tx_mb3", "'BMP only: Ω ≈ ç √ ∫ \uFFFD'", "BMP only: Ω ≈ ç √ ∫ \uFFFD", "TEXT"),
        new("char_latin1_euro_zcaron", "c_l1", "'€Ž ž Ÿ ÿ'", "€Ž ž Ÿ ÿ", "CHAR"),
        new("varchar_latin1_0x80_to_0x9f", "vc_l1", "'" + Latin1Specials + "'", Latin1Specials, "VARCHAR"),
        new("text_latin1_unassigned_c1", "tx_l1", "'café ½ ¿ \u0081\u008D\u008F\u0090\u009D end'", "café ½ ¿ \u0081\u008D\u008F\u0090\u009D end", "TEXT"),

        new("binary4", "bin4", "X'DEADBEEF'", new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }, "BINARY"),
        new("binary4_with_zeros", "bin4", "X'00FF0080'", new byte[] { 0x00, 0xFF, 0x00, 0x80 }, "BINARY"),
        new("varbinary_quotes_and_backslash", "vbin", "X'00275C22FF5A1A'", new byte[] { 0x00, 0x27, 0x5C, 0x22, 0xFF, 0x5A, 0x1A }, "VARBINARY"),
        new("blob_every_byte", "bl", "X'" + Convert.ToHexString(AllBytes) + "'", AllBytes, "BLOB"),
        new("longblob_small", "lbl", "X'FF00'", new byte[] { 0xFF, 0x00 }, "BLOB"),

        new("enum_ascii", "en", "'large'", "large", "ENUM"),
        new("enum_non_ascii", "en", "'€uro'", "€uro", "ENUM"),
        new("set_two_members", "st", "'a,c'", "a,c", "SET"),
        new("set_non_ascii_member", "st", "'b,ü'", "b,ü", "SET"),

        new("bit1_one", "b1", "b'1'", 1UL, "BIT"),
        new("bit1_zero", "b1", "b'0'", 0UL, "BIT"),
        new("bit64_all_ones", "b64", "b'" + new string('1', 64) + "'", ulong.MaxValue, "BIT"),
        new("bit64_high_and_low", "b64", "b'1" + new string('0', 62) + "1'", 0x8000_0000_0000_0001UL, "BIT"),

        // MariaDB sends JSON as LONGTEXT; its type name is checked in JsonColumn_ReportsDataTypeNameJson.
        new("json_nested_unicode", "js", "'" + Json.Replace("\\", "\\\\", StringComparison.Ordinal) + "'", Json, null),
    }.ToDictionary(c => c.Name);

    // Columns that hold strings or bytes, with what an empty value reads back as.
    private static readonly Dictionary<string, object> EmptyValues = new()
    {
        ["c_mb4"] = "", ["vc_mb4"] = "", ["tx_mb4"] = "",
        ["c_mb3"] = "", ["vc_mb3"] = "", ["tx_mb3"] = "",
        ["c_l1"] = "", ["vc_l1"] = "", ["tx_l1"] = "",
        ["ltx"] = "",
        ["vbin"] = Array.Empty<byte>(), ["bl"] = Array.Empty<byte>(), ["lbl"] = Array.Empty<byte>(),
        // BINARY(n) pads with zero bytes, so an empty value comes back as n zeros.
        ["bin4"] = new byte[4],
        ["st"] = "",
    };

    public TypeMatrixTests()
        : base("types")
    {
    }

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    public static TheoryData<string> EmptyValueColumns => new(EmptyValues.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Value_RoundTrips_AsParameter_WithItsNaturalClrType(string name)
    {
        var c = Cases[name];
        await using var connection = await OpenMatrixAsync();

        var id = await InsertAsync(connection, c.Column, c.Expected);
        await AssertReadsBackAsync(connection, c, id);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Value_RoundTrips_AsSqlLiteral_WithItsNaturalClrType(string name)
    {
        var c = Cases[name];
        await using var connection = await OpenMatrixAsync();

        var id = await InsertLiteralAsync(connection, c.Column, c.Literal);
        await AssertReadsBackAsync(connection, c, id);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Parameter_StoresTheSameValueAsTheSqlLiteral(string name)
    {
        var c = Cases[name];
        await using var connection = await OpenMatrixAsync();

        var fromParameter = await InsertAsync(connection, c.Column, c.Expected);
        var fromLiteral = await InsertLiteralAsync(connection, c.Column, c.Literal);

        // Compared by the server, independently of how the client decodes either value.
        var same = await ScalarAsync(connection,
            $"SELECT p.{c.Column} <=> l.{c.Column} AND HEX(p.{c.Column}) <=> HEX(l.{c.Column}) FROM matrix p JOIN matrix l ON l.id = ? WHERE p.id = ?",
            fromLiteral, fromParameter);
        Convert.ToInt64(same, CultureInfo.InvariantCulture).Should().Be(1, $"the parameter {Describe(c.Expected)} should store what the literal {c.Literal} stores");
    }

    [Theory]
    [MemberData(nameof(EmptyValueColumns))]
    public async Task EmptyValue_IsNotNull_ThroughParameterAndLiteral(string column)
    {
        await using var connection = await OpenMatrixAsync();
        var expected = EmptyValues[column];
        var empty = expected is string ? (object)"" : Array.Empty<byte>();

        var fromParameter = await InsertAsync(connection, column, empty);
        var fromLiteral = await InsertLiteralAsync(connection, column, "''");
        var fromNull = await InsertAsync(connection, column, DBNull.Value);

        foreach (var id in new[] { fromParameter, fromLiteral })
        {
            await using var command = new MySqlCommand($"SELECT {column}, {column} IS NULL FROM matrix WHERE id = @id", connection);
            command.Parameters.AddWithValue("@id", id);
            await using var reader = await command.ExecuteReaderAsync();
            (await reader.ReadAsync()).Should().BeTrue();
            reader.IsDBNull(0).Should().BeFalse();
            reader.GetInt64(1).Should().Be(0, "the server must not have stored NULL");
            if (expected is string)
            {
                reader.GetString(0).Should().Be("");
                reader.GetValue(0).Should().Be("");
            }
            else
            {
                reader.GetFieldValue<byte[]>(0).Should().Equal((byte[])expected);
                ((byte[])reader.GetValue(0)).Should().Equal((byte[])expected);
            }
        }

        await using (var command = new MySqlCommand($"SELECT {column}, {column} IS NULL FROM matrix WHERE id = @id", connection))
        {
            command.Parameters.AddWithValue("@id", fromNull);
            await using var reader = await command.ExecuteReaderAsync();
            (await reader.ReadAsync()).Should().BeTrue();
            reader.IsDBNull(0).Should().BeTrue();
            reader.GetValue(0).Should().Be(DBNull.Value);
            reader.GetInt64(1).Should().Be(1);
            reader.GetFieldValue<string?>(0).Should().BeNull();
            reader.GetFieldValue<byte[]?>(0).Should().BeNull();
        }
    }

    [Fact]
    public async Task EveryColumn_Null_ReadsAsDBNull_AndKeepsItsFieldType()
    {
        await using var connection = await OpenMatrixAsync();
        await ExecuteAsync(connection, "INSERT INTO matrix (id) VALUES (NULL)");

        await using var command = new MySqlCommand("SELECT * FROM matrix", connection);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.FieldCount.Should().BeGreaterThan(40);
        var expectedTypes = Cases.Values.GroupBy(c => c.Column).ToDictionary(g => g.Key, g => g.First().Expected.GetType());
        for (var i = 1; i < reader.FieldCount; i++)
        {
            var column = reader.GetName(i);
            reader.IsDBNull(i).Should().BeTrue(column);
            reader.GetValue(i).Should().Be(DBNull.Value, column);
            if (expectedTypes.TryGetValue(column, out var type))
            {
                reader.GetFieldType(i).Should().Be(type, column);
            }
        }
    }

    [Fact]
    public async Task JsonColumn_ReportsDataTypeNameJson()
    {
        await using var connection = await OpenMatrixAsync();
        var id = await InsertAsync(connection, "js", Json);

        await using var command = new MySqlCommand("SELECT js, tx_mb4 FROM matrix WHERE id = ?", connection);
        command.Parameters.Add(new MySqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();

        // MariaDB marks JSON columns with the extended-metadata format "json" (key 1), not a type (key 0).
        reader.GetDataTypeName(0).Should().Be("JSON");
        reader.GetDataTypeName(1).Should().Be("TEXT");
        reader.GetString(0).Should().Be(Json);
    }

    [Fact]
    public async Task FloatExtremes_AreStoredExactly_ThoughTheServerPrintsFloatWithSixDigits()
    {
        await using var connection = await OpenMatrixAsync();
        foreach (var value in new[] { float.MaxValue, -float.MaxValue, float.Epsilon, 16777217f, 1.0000001f })
        {
            var id = await InsertAsync(connection, "f", value);

            // CAST to DOUBLE prints the stored single exactly; the FLOAT column itself prints %g-style.
            await using var command = new MySqlCommand("SELECT CAST(f AS DOUBLE), f FROM matrix WHERE id = ?", connection);
            command.Parameters.Add(new MySqlParameter { Value = id });
            await using var reader = await command.ExecuteReaderAsync();
            (await reader.ReadAsync()).Should().BeTrue();
            reader.GetDouble(0).Should().Be(value, "the server should store the single {0:R} exactly", value);
            reader.GetFloat(1).Should().BeApproximately(value, Math.Abs(value) * 1e-5f);
            reader.GetValue(1).Should().BeOfType<float>();
        }
    }

    [Fact]
    public async Task NegativeZero_ReadsBackAsZero()
    {
        await using var connection = await OpenMatrixAsync();
        var single = await InsertAsync(connection, "f", -0.0f);
        var dbl = await InsertAsync(connection, "dbl", -0.0);
        var literal = await InsertLiteralAsync(connection, "dbl", "-0.0e0");

        // MariaDB prints negative zero as "0", so only the value survives, not the sign.
        (await ScalarAsync(connection, "SELECT f FROM matrix WHERE id = ?", single)).Should().Be(0f);
        (await ScalarAsync(connection, "SELECT dbl FROM matrix WHERE id = ?", dbl)).Should().Be(0.0);
        (await ScalarAsync(connection, "SELECT dbl FROM matrix WHERE id = ?", literal)).Should().Be(0.0);
    }

    [Fact]
    public async Task ZeroAndPartialDates_ReadAsMySqlDateTime_AndGetDateTimeFailsClearly()
    {
        await using var connection = await OpenMatrixAsync();
        await ExecuteAsync(connection, "SET SESSION sql_mode = ''");

        var zero = new MySqlDateTime(0, 0, 0);
        var partial = new MySqlDateTime(2024, 0, 15);
        var partialWithTime = new MySqlDateTime(2024, 0, 15, 10, 11, 12, 1);
        var rows = new List<(long Id, string Column, MySqlDateTime Expected, string Text)>
        {
            (await InsertLiteralAsync(connection, "dt", "'0000-00-00'"), "dt", zero, "0000-00-00"),
            (await InsertAsync(connection, "dt", zero), "dt", zero, "0000-00-00"),
            (await InsertLiteralAsync(connection, "dt0", "'0000-00-00 00:00:00'"), "dt0", zero, "0000-00-00 00:00:00"),
            (await InsertAsync(connection, "dt6", zero), "dt6", zero, "0000-00-00 00:00:00.000000"),
            (await InsertLiteralAsync(connection, "dt", "'2024-00-15'"), "dt", partial, "2024-00-15"),
            (await InsertAsync(connection, "dt", partial), "dt", partial, "2024-00-15"),
            (await InsertLiteralAsync(connection, "dt6", "'2024-00-15 10:11:12.000001'"), "dt6", partialWithTime, "2024-00-15 10:11:12.000001"),
            (await InsertAsync(connection, "dt6", partialWithTime), "dt6", partialWithTime, "2024-00-15 10:11:12.000001"),
        };

        foreach (var (id, column, expected, text) in rows)
        {
            await using var command = new MySqlCommand($"SELECT {column} FROM matrix WHERE id = ?", connection);
            command.Parameters.Add(new MySqlParameter { Value = id });
            await using var reader = await command.ExecuteReaderAsync();
            (await reader.ReadAsync()).Should().BeTrue();

            Encoding.ASCII.GetString(reader.GetRawBytes(0)).Should().Be(text);
            reader.GetValue(0).Should().BeOfType<MySqlDateTime>().Which.Should().Be(expected);
            reader.GetMySqlDateTime(0).Should().Be(expected);
            reader.GetFieldValue<MySqlDateTime>(0).Should().Be(expected);
            reader.GetMySqlDateTime(0).IsValidDateTime.Should().BeFalse();

            var getDateTime = () => reader.GetDateTime(0);
            getDateTime.Should().Throw<MySqlException>()
                .Where(e => e.Kind == MySqlErrorKind.InvalidValue && e.Message.Contains("MySqlDateTime", StringComparison.Ordinal)
                    && e.Message.Contains(column, StringComparison.Ordinal));
            var getFieldValue = () => reader.GetFieldValue<DateTime>(0);
            getFieldValue.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue);
        }
    }

    [Fact]
    public async Task ValidDates_ReadAsMySqlDateTime_Too()
    {
        await using var connection = await OpenMatrixAsync();
        var id = await InsertAsync(connection, "dt6", new DateTime(2024, 2, 29, 23, 59, 59, 999, 999));

        await using var command = new MySqlCommand("SELECT dt6 FROM matrix WHERE id = ?", connection);
        command.Parameters.Add(new MySqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetMySqlDateTime(0).Should().Be(new MySqlDateTime(2024, 2, 29, 23, 59, 59, 999_999));
        reader.GetMySqlDateTime(0).ToDateTime().Should().Be(new DateTime(2024, 2, 29, 23, 59, 59, 999, 999));
    }

    [Fact]
    public async Task Latin1Columns_DecodeThroughTheLatin1Table_WhenTheServerSendsThemUnconverted()
    {
        await using var connection = await OpenMatrixAsync();
        var text = "€Ž" + Latin1Specials + " ÿ \u0081\u008D\u008F\u0090\u009D";
        var id = await InsertAsync(connection, "tx_l1", text);
        var mb3 = await InsertAsync(connection, "vc_mb3", "日本語 ü");

        // With character_set_results = NULL each column arrives in its own character set.
        await ExecuteAsync(connection, "SET character_set_results = NULL");
        await using var command = new MySqlCommand("SELECT tx_l1 FROM matrix WHERE id = ?; SELECT vc_mb3 FROM matrix WHERE id = ?", connection);
        command.Parameters.Add(new MySqlParameter { Value = id });
        command.Parameters.Add(new MySqlParameter { Value = mb3 });
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetRawBytes(0).Length.Should().Be(text.Length, "latin1 stores one byte per character");
        reader.GetRawBytes(0)[0].Should().Be(0x80, "€ is 0x80 in latin1");
        reader.GetRawBytes(0)[1].Should().Be(0x8E, "Ž is 0x8E in latin1");
        reader.GetString(0).Should().Be(text);
        reader.GetValue(0).Should().Be(text);

        (await reader.NextResultAsync()).Should().BeTrue();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetString(0).Should().Be("日本語 ü");
    }

    [Fact]
    public async Task EveryServerCollation_MapsToItsCharacterSet()
    {
        await using var connection = await OpenAsync();
        await using var command = new MySqlCommand(
            "SELECT ID, CHARACTER_SET_NAME, FULL_COLLATION_NAME FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY ORDER BY ID", connection);
        await using var reader = await command.ExecuteReaderAsync();
        string[] supported = ["utf8mb4", "utf8mb3", "latin1", "ascii", "binary", "ucs2", "utf16", "utf16le", "utf32"];

        var checkedIds = 0;
        using var scope = new FluentAssertions.Execution.AssertionScope();
        while (await reader.ReadAsync())
        {
            var id = Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture);
            var charset = reader.GetString(1);
            var collation = reader.GetString(2);
            var expected = supported.Contains(charset) ? charset : null;
            Protocol.CharacterSets.GetCharsetName(id).Should().Be(expected, $"collation {collation} (id {id}) belongs to {charset}");
            Protocol.CharacterSets.TryGetEncoding(id, out _).Should().Be(expected is not null, collation);
            checkedIds++;
        }

        checkedIds.Should().BeGreaterThan(200);
    }

    public static TheoryData<string, string> UnconvertedCharsets => new()
    {
        { "utf8mb4 COLLATE utf8mb4_unicode_520_nopad_ci", "😀 Ünï" },
        { "utf8mb4 COLLATE utf8mb4_uca1400_ai_ci", "😀 uca1400" },
        { "utf8mb3 COLLATE utf8mb3_unicode_nopad_ci", "日本語 ✓" },
        { "latin1 COLLATE latin1_german2_ci", "Straße €Ž" },
        { "latin1 COLLATE latin1_nopad_bin", "\u0081€ÿ" },
        { "ascii", "plain ASCII ~" },
        { "ucs2", "BMP Ω ≈" },
        { "utf16", "utf16 😀 Ω" },
        { "utf16le", "utf16le 😀 Ω" },
        { "utf32", "utf32 😀 Ω" },
    };

    [Theory]
    [MemberData(nameof(UnconvertedCharsets))]
    public async Task TextInItsOwnCharacterSet_DecodesExactly(string charset, string text)
    {
        await using var connection = await OpenAsync();
        await ExecuteAsync(connection, $"CREATE TABLE cs (v VARCHAR(50) CHARACTER SET {charset})");
        await ExecuteAsync(connection, "INSERT INTO cs VALUES (?)", text);

        // With character_set_results = NULL the server sends the column's own bytes and collation id.
        await ExecuteAsync(connection, "SET character_set_results = NULL");
        await using var command = new MySqlCommand("SELECT v, HEX(v) FROM cs", connection);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        Convert.ToHexString(reader.GetRawBytes(0)).Should().Be(reader.GetString(1), "the value arrived unconverted");
        reader.GetString(0).Should().Be(text);
        reader.GetValue(0).Should().Be(text);
        reader.GetFieldType(0).Should().Be<string>();
    }

    public static TheoryData<string, string, string> OutOfRangeReads => new()
    {
        { "dbl", "1e300", "GetDecimal" },
        { "dbl", "-1.7976931348623157e308", "GetDecimal" },
        { "f", "3.40282e38", "GetDecimal" },
        { "dbl", "1e300", "GetFloat" },
        { "dbl", "1e300", "GetInt64" },
        { "d65_0", new string('9', 65), "GetDecimal" },
        { "d65_0", new string('9', 65), "GetInt64" },
        { "d65_30", "0.000000000000000000000000000001", "GetDecimal" },
        { "biu", "18446744073709551615", "GetInt64" },
        { "bi", "-1", "GetUInt64" },
        { "i", "-2147483648", "GetInt16" },
        { "ti", "-1", "GetByte" },
        { "b64", "b'" + new string('1', 64) + "'", "GetInt64" },
        { "dt6", "'2024-01-01 00:00:00'", "GetTimeSpan" },
        { "tm6", "'12:00:00'", "GetDateTime" },
    };

    [Theory]
    [MemberData(nameof(OutOfRangeReads))]
    public async Task ValueThatDoesNotFitTheRequestedType_ThrowsInvalidValue_NotAProtocolError(string column, string literal, string getter)
    {
        await using var connection = await OpenMatrixAsync();
        var id = await InsertLiteralAsync(connection, column, literal);

        await using var command = new MySqlCommand($"SELECT {column} FROM matrix WHERE id = ?", connection);
        command.Parameters.Add(new MySqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        Action read = getter switch
        {
            "GetDecimal" => () => reader.GetDecimal(0),
            "GetFloat" => () => reader.GetFloat(0),
            "GetInt64" => () => reader.GetInt64(0),
            "GetUInt64" => () => reader.GetUInt64(0),
            "GetInt16" => () => reader.GetInt16(0),
            "GetByte" => () => reader.GetByte(0),
            "GetTimeSpan" => () => reader.GetTimeSpan(0),
            "GetDateTime" => () => reader.GetDateTime(0),
            _ => throw new ArgumentOutOfRangeException(nameof(getter)),
        };

        read.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue, "the server sent a valid value")
            .WithMessage($"*{column}*");
        reader.GetValue(0).Should().NotBeNull("the value itself still reads in its natural type");
    }

    [Fact]
    public async Task Emoji_IntoUtf8mb3_IsRejectedByTheServer()
    {
        await using var connection = await OpenMatrixAsync();

        var act = () => InsertAsync(connection, "vc_mb3", "no 😀 in utf8mb3");

        (await act.Should().ThrowAsync<MySqlException>()).Which.Number.Should().Be(1366);
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM matrix")).Should().Be(0L);
    }

    [Fact]
    public async Task LongBlob_Of20MiB_RoundTripsByteForByte()
    {
        await using var connection = await OpenMatrixAsync();
        var data = RandomNumberGenerator.GetBytes(20 * 1024 * 1024);

        var id = await InsertAsync(connection, "lbl", data);

        // The server's view of what was sent, independent of the read path.
        await using (var check = new MySqlCommand("SELECT LENGTH(lbl), SHA2(lbl, 256) FROM matrix WHERE id = ?", connection))
        {
            check.Parameters.Add(new MySqlParameter { Value = id });
            await using var reader = await check.ExecuteReaderAsync();
            (await reader.ReadAsync()).Should().BeTrue();
            reader.GetInt64(0).Should().Be(data.Length);
            reader.GetString(1).Should().Be(Convert.ToHexStringLower(SHA256.HashData(data)));
        }

        await using var command = new MySqlCommand("SELECT lbl, id FROM matrix WHERE id = ?", connection);
        command.Parameters.Add(new MySqlParameter { Value = id });
        await using (var reader = await command.ExecuteReaderAsync())
        {
            (await reader.ReadAsync()).Should().BeTrue();
            reader.GetRawBytes(0).SequenceEqual(data).Should().BeTrue("the raw bytes must match exactly");
            var read = reader.GetFieldValue<byte[]>(0);
            read.Length.Should().Be(data.Length);
            read.AsSpan().SequenceEqual(data).Should().BeTrue();
            reader.GetValue(0).Should().BeOfType<byte[]>().Which.AsSpan().SequenceEqual(data).Should().BeTrue();
            reader.GetInt32(1).Should().Be((int)id);
            (await reader.ReadAsync()).Should().BeFalse();
        }

        (await ScalarAsync(connection, "SELECT 42")).Should().Be(42L, "the connection stays usable after the large row");
    }

    [Fact]
    public async Task LongText_Of20MiB_RoundTripsCharForChar()
    {
        await using var connection = await OpenMatrixAsync();
        var text = RandomText(20 * 1024 * 1024);
        var utf8 = Encoding.UTF8.GetBytes(text);

        var id = await InsertAsync(connection, "ltx", text);

        await using (var check = new MySqlCommand("SELECT LENGTH(ltx), SHA2(ltx, 256) FROM matrix WHERE id = ?", connection))
        {
            check.Parameters.Add(new MySqlParameter { Value = id });
            await using var reader = await check.ExecuteReaderAsync();
            (await reader.ReadAsync()).Should().BeTrue();
            reader.GetInt64(0).Should().Be(utf8.Length);
            reader.GetString(1).Should().Be(Convert.ToHexStringLower(SHA256.HashData(utf8)));
        }

        await using var command = new MySqlCommand("SELECT ltx FROM matrix WHERE id = ?", connection);
        command.Parameters.Add(new MySqlParameter { Value = id });
        await using var textReader = await command.ExecuteReaderAsync();
        (await textReader.ReadAsync()).Should().BeTrue();
        textReader.GetRawBytes(0).SequenceEqual(utf8).Should().BeTrue();
        var read = textReader.GetString(0);
        read.Length.Should().Be(text.Length);
        string.Equals(read, text, StringComparison.Ordinal).Should().BeTrue("the text must match exactly");
    }

    [Fact]
    public async Task Row_OfExactlyOneFullPacket_IsFollowedByAnEmptyPacket_AndReadsBack()
    {
        await using var connection = await OpenMatrixAsync();

        // One column of 0xFFFFFB bytes plus its 4-byte length prefix is a 0xFFFFFF-byte row payload,
        // which the server must follow with an empty packet.
        const int length = 0xFFFFFF - 4;
        var data = RandomNumberGenerator.GetBytes(length);
        var id = await InsertAsync(connection, "lbl", data);

        await using var command = new MySqlCommand("SELECT lbl FROM matrix WHERE id = ?; SELECT 'after'", connection);
        command.Parameters.Add(new MySqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetRawBytes(0).SequenceEqual(data).Should().BeTrue();
        (await reader.ReadAsync()).Should().BeFalse();
        (await reader.NextResultAsync()).Should().BeTrue();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetString(0).Should().Be("after");
    }

    [Fact]
    public async Task Statement_OfExactlyOneFullPacket_IsSentWithAnEmptyTrailingPacket()
    {
        await using var connection = await OpenMatrixAsync();

        // COM_QUERY payload = 1 command byte + the SQL text; make it exactly 0xFFFFFF bytes.
        const string prefix = "SELECT LENGTH('";
        const string suffix = "')";
        var padding = 0xFFFFFF - 1 - prefix.Length - suffix.Length;
        var sql = prefix + new string('x', padding) + suffix;

        (await ScalarAsync(connection, sql)).Should().Be((long)padding);
        (await ScalarAsync(connection, "SELECT 'still in sync'")).Should().Be("still in sync");
    }

    private async Task<MySqlConnection> OpenMatrixAsync()
    {
        var connection = await OpenAsync();
        await ExecuteAsync(connection, "SET time_zone = '+00:00'");
        await ExecuteAsync(connection, Table);
        return connection;
    }

    private static async Task<long> InsertAsync(MySqlConnection connection, string column, object? value)
    {
        await using var command = new MySqlCommand($"INSERT INTO matrix ({column}) VALUES (@value)", connection);
        command.Parameters.AddWithValue("@value", value);
        (await command.ExecuteNonQueryAsync()).Should().Be(1);
        command.LastInsertedId.Should().BePositive();
        return command.LastInsertedId;
    }

    private static async Task<long> InsertLiteralAsync(MySqlConnection connection, string column, string literal)
    {
        await using var command = new MySqlCommand($"INSERT INTO matrix ({column}) VALUES ({literal})", connection);
        (await command.ExecuteNonQueryAsync()).Should().Be(1);
        command.LastInsertedId.Should().BePositive();
        return command.LastInsertedId;
    }

    private static async Task AssertReadsBackAsync(MySqlConnection connection, Case c, long id)
    {
        await using var command = new MySqlCommand($"SELECT {c.Column} FROM matrix WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();

        var type = c.Expected.GetType();
        reader.GetName(0).Should().Be(c.Column);
        reader.GetFieldType(0).Should().Be(type);
        if (c.DataTypeName is not null)
        {
            reader.GetDataTypeName(0).Should().Be(c.DataTypeName);
        }

        reader.IsDBNull(0).Should().BeFalse();

        var value = reader.GetValue(0);
        value.GetType().Should().Be(type);
        AssertSame(value, c.Expected, "GetValue");
        AssertSame(ReadTyped(reader, type), c.Expected, "the typed getter");
        AssertSame(ReadFieldValue(reader, type), c.Expected, "GetFieldValue<T>");
        if (type == typeof(DateTime))
        {
            reader.GetMySqlDateTime(0).Should().Be(new MySqlDateTime((DateTime)c.Expected));
        }

        (await reader.ReadAsync()).Should().BeFalse();
    }

    private static void AssertSame(object actual, object expected, string via)
    {
        switch (expected)
        {
            case byte[] bytes:
                actual.Should().BeOfType<byte[]>().Which.Should().Equal(bytes, via);
                break;
            case ExactDecimal exact:
                actual.Should().BeOfType<ExactDecimal>().Which.Should().Be(exact, via);
                actual.ToString().Should().Be(exact.ToString(), via + " keeps the server's digits");
                break;
            case decimal d:
                actual.Should().BeOfType<decimal>().Which.Should().Be(d, via);
                ((decimal)actual).ToString(CultureInfo.InvariantCulture).Should().Be(d.ToString(CultureInfo.InvariantCulture), via + " keeps the scale");
                break;
            case DateTime dt:
                actual.Should().BeOfType<DateTime>().Which.Should().Be(dt, via);
                ((DateTime)actual).Kind.Should().Be(DateTimeKind.Unspecified);
                break;
            default:
                actual.Should().Be(expected, via);
                break;
        }
    }

    private static object ReadTyped(MySqlDataReader reader, Type type) => type switch
    {
        _ when type == typeof(sbyte) => reader.GetSByte(0),
        _ when type == typeof(byte) => reader.GetByte(0),
        _ when type == typeof(short) => reader.GetInt16(0),
        _ when type == typeof(ushort) => reader.GetUInt16(0),
        _ when type == typeof(int) => reader.GetInt32(0),
        _ when type == typeof(uint) => reader.GetUInt32(0),
        _ when type == typeof(long) => reader.GetInt64(0),
        _ when type == typeof(ulong) => reader.GetUInt64(0),
        _ when type == typeof(float) => reader.GetFloat(0),
        _ when type == typeof(double) => reader.GetDouble(0),
        _ when type == typeof(decimal) => reader.GetDecimal(0),
        _ when type == typeof(ExactDecimal) => reader.GetMySqlDecimal(0),
        _ when type == typeof(DateTime) => reader.GetDateTime(0),
        _ when type == typeof(TimeSpan) => reader.GetTimeSpan(0),
        _ when type == typeof(string) => reader.GetString(0),
        _ when type == typeof(byte[]) => ReadAllBytes(reader),
        _ => throw new NotSupportedException(type.Name),
    };

    private static byte[] ReadAllBytes(MySqlDataReader reader)
    {
        var buffer = new byte[reader.GetBytes(0, 0, null, 0, 0)];
        reader.GetBytes(0, 0, buffer, 0, buffer.Length).Should().Be(buffer.Length);
        return buffer;
    }

    private static object ReadFieldValue(MySqlDataReader reader, Type type) =>
        typeof(MySqlDataReader).GetMethod(nameof(MySqlDataReader.GetFieldValue))!.MakeGenericMethod(type).Invoke(reader, [0])!;

    private static Case Dec(string name, string column, string text) => new(name, column, text, ExactDecimal.Parse(text), "DECIMAL");

    private static string Describe(object value) => value switch
    {
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Random text mixing ASCII, 2-, 3- and 4-byte UTF-8 and every character the literal writer escapes.</summary>
    private static string RandomText(int chars)
    {
        string[] alphabet = ["a", "b", "Z", " ", "é", "€", "日", "😀", "'", "\"", "\\", "\0", "\n", "\r", "\u001A", "%", "_", "?", "@x"];
        var random = new Random(20240229);
        var builder = new StringBuilder(chars + 2);
        while (builder.Length < chars)
        {
            builder.Append(alphabet[random.Next(alphabet.Length)]);
        }

        return builder.ToString();
    }

    private sealed record Case(string Name, string Column, string Literal, object Expected, string? DataTypeName);
}
