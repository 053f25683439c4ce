using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Values;
using MySqlConnector;

namespace DualWrite.MySql.Replication.Tests.Integration;

/// <summary>
/// Boundary values of every column type through the real server and MySqlConnector with <see cref="MySqlExactSettings"/>,
/// read through <see cref="MySqlColumnReader"/> (the values the binlog decoder produces for the same columns), inserted
/// both as MySqlConnector parameters and as literals in the SQL text: the exact value, its CLR type
/// (<see cref="MySqlValuePolicy.ClrType"/> of the column's kind) and the kind itself.
/// </summary>
public class TypeMatrixTests : ScratchDatabaseTests
{
    private const string Table = """
        CREATE TABLE IF NOT EXISTS matrix (
            id INT AUTO_INCREMENT PRIMARY KEY,
            ti TINYINT, tiu TINYINT UNSIGNED, t1 TINYINT(1),
            si SMALLINT, siu SMALLINT UNSIGNED,
            mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
            i INT, iu INT UNSIGNED,
            bi BIGINT, biu BIGINT UNSIGNED,
            d65_30 DECIMAL(65,30), d65_0 DECIMAL(65,0), d10_2 DECIMAL(10,2), d28_10 DECIMAL(28,10), d29_10 DECIMAL(29,10),
            f FLOAT, dbl DOUBLE,
            dt DATE, dt0 DATETIME(0), dt3 DATETIME(3), dt6 DATETIME(6), ts6 TIMESTAMP(6) NULL,
            tm0 TIME(0), tm6 TIME(6), yr YEAR,
            c_mb4 CHAR(40) CHARACTER SET utf8mb4, vc_mb4 VARCHAR(200) CHARACTER SET utf8mb4, tx_mb4 TEXT CHARACTER SET utf8mb4,
            c_mb3 CHAR(40) CHARACTER SET utf8mb3, vc_mb3 VARCHAR(200) CHARACTER SET utf8mb3, tx_mb3 TEXT CHARACTER SET utf8mb3,
            c_l1 CHAR(40) CHARACTER SET latin1, vc_l1 VARCHAR(200) CHARACTER SET latin1, tx_l1 TEXT CHARACTER SET latin1,
            g36 CHAR(36), g16 BINARY(16),
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

    // MariaDB's JSON is LONGTEXT: MySqlConnector reports it as text, as the binlog's TABLE_MAP does.
    private const MySqlValueKind JsonKind = MySqlValueKind.Text;

    /// <summary>The kind of every column as MySqlConnector reports it under the exact settings.</summary>
    private static readonly Dictionary<string, MySqlValueKind> Kinds = new()
    {
        ["ti"] = MySqlValueKind.SByte, ["tiu"] = MySqlValueKind.Byte, ["t1"] = MySqlValueKind.SByte,
        ["si"] = MySqlValueKind.Int16, ["siu"] = MySqlValueKind.UInt16,
        ["mi"] = MySqlValueKind.Int32, ["miu"] = MySqlValueKind.UInt32,
        ["i"] = MySqlValueKind.Int32, ["iu"] = MySqlValueKind.UInt32,
        ["bi"] = MySqlValueKind.Int64, ["biu"] = MySqlValueKind.UInt64,
        ["d65_30"] = MySqlValueKind.ExactDecimal, ["d65_0"] = MySqlValueKind.ExactDecimal, ["d10_2"] = MySqlValueKind.Decimal,
        ["d28_10"] = MySqlValueKind.Decimal, ["d29_10"] = MySqlValueKind.ExactDecimal,
        ["f"] = MySqlValueKind.Single, ["dbl"] = MySqlValueKind.Double,
        ["dt"] = MySqlValueKind.Date, ["dt0"] = MySqlValueKind.DateTime, ["dt3"] = MySqlValueKind.DateTime, ["dt6"] = MySqlValueKind.DateTime,
        ["ts6"] = MySqlValueKind.Timestamp,
        ["tm0"] = MySqlValueKind.Time, ["tm6"] = MySqlValueKind.Time, ["yr"] = MySqlValueKind.Year,
        ["c_mb4"] = MySqlValueKind.Text, ["vc_mb4"] = MySqlValueKind.Text, ["tx_mb4"] = MySqlValueKind.Text,
        ["c_mb3"] = MySqlValueKind.Text, ["vc_mb3"] = MySqlValueKind.Text, ["tx_mb3"] = MySqlValueKind.Text,
        ["c_l1"] = MySqlValueKind.Text, ["vc_l1"] = MySqlValueKind.Text, ["tx_l1"] = MySqlValueKind.Text,
        ["g36"] = MySqlValueKind.Text, ["g16"] = MySqlValueKind.Binary,
        ["bin4"] = MySqlValueKind.Binary, ["vbin"] = MySqlValueKind.Binary, ["bl"] = MySqlValueKind.Binary, ["lbl"] = MySqlValueKind.Binary,
        ["ltx"] = MySqlValueKind.Text,
        ["en"] = MySqlValueKind.Enum, ["st"] = MySqlValueKind.Set,
        ["b1"] = MySqlValueKind.Bit, ["b64"] = MySqlValueKind.Bit,
        ["js"] = JsonKind,
    };

    private static readonly Dictionary<string, Case> Cases = new Case[]
    {
        new("tinyint_min", "ti", "-128", (sbyte)-128),
        new("tinyint_max", "ti", "127", (sbyte)127),
        // TINYINT(1) is a number, not a bool: every value survives.
        new("tinyint1_two", "t1", "2", (sbyte)2),
        new("tinyint1_minus_one", "t1", "-1", (sbyte)-1),
        new("tinyint1_one", "t1", "1", (sbyte)1),
        new("tinyint_unsigned_min", "tiu", "0", (byte)0),
        new("tinyint_unsigned_max", "tiu", "255", (byte)255),
        new("smallint_min", "si", "-32768", short.MinValue),
        new("smallint_max", "si", "32767", short.MaxValue),
        new("smallint_unsigned_min", "siu", "0", (ushort)0),
        new("smallint_unsigned_max", "siu", "65535", ushort.MaxValue),
        new("mediumint_min", "mi", "-8388608", -8388608),
        new("mediumint_max", "mi", "8388607", 8388607),
        new("mediumint_unsigned_min", "miu", "0", 0u),
        new("mediumint_unsigned_max", "miu", "16777215", 16777215u),
        new("int_min", "i", "-2147483648", int.MinValue),
        new("int_max", "i", "2147483647", int.MaxValue),
        new("int_unsigned_min", "iu", "0", 0u),
        new("int_unsigned_max", "iu", "4294967295", uint.MaxValue),
        new("bigint_min", "bi", "-9223372036854775808", long.MinValue),
        new("bigint_max", "bi", "9223372036854775807", long.MaxValue),
        new("bigint_unsigned_min", "biu", "0", 0UL),
        new("bigint_unsigned_max", "biu", "18446744073709551615", ulong.MaxValue),

        Dec("decimal65_30_max", "d65_30", new string('9', 35) + "." + new string('9', 30)),
        Dec("decimal65_30_min", "d65_30", "-" + new string('9', 35) + "." + new string('9', 30)),
        Dec("decimal65_30_smallest_fraction", "d65_30", "0." + new string('0', 29) + "1"),
        Dec("decimal65_30_negative_fraction", "d65_30", "-0." + new string('9', 30)),
        Dec("decimal65_30_mixed_digits", "d65_30", "-12345678901234567890123456789012345.678901234567890123456789012345"),
        Dec("decimal65_0_max", "d65_0", new string('9', 65)),
        Dec("decimal65_0_min", "d65_0", "-" + new string('9', 65)),
        new("decimal10_2_max", "d10_2", "99999999.99", 99999999.99m),
        new("decimal10_2_min", "d10_2", "-99999999.99", -99999999.99m),
        new("decimal10_2_keeps_scale", "d10_2", "1.50", 1.50m),
        new("decimal28_10_max", "d28_10", "999999999999999999.9999999999", 999999999999999999.9999999999m),
        new("decimal28_10_min", "d28_10", "-999999999999999999.9999999999", -999999999999999999.9999999999m),
        new("decimal28_10_smallest_fraction", "d28_10", "0.0000000001", 0.0000000001m),
        Dec("decimal29_10_max", "d29_10", "9999999999999999999.9999999999"),
        Dec("decimal29_10_keeps_scale", "d29_10", "1.5000000000"),

        // The server prints FLOAT with six significant digits, so these are values that survive that.
        new("float_six_digit_max", "f", "3.40282e38", 3.40282e38f),
        new("float_six_digit_min", "f", "-3.40282e38", -3.40282e38f),
        new("float_smallest_normal", "f", "1.17549e-38", 1.17549e-38f),
        new("float_epsilon", "f", "1.4013e-45", float.Epsilon),
        new("float_tenth", "f", "0.1", 0.1f),
        new("double_max", "dbl", "1.7976931348623157e308", double.MaxValue),
        new("double_min", "dbl", "-1.7976931348623157e308", double.MinValue),
        new("double_epsilon", "dbl", "4.9406564584124654e-324", double.Epsilon),
        new("double_smallest_normal", "dbl", "-2.2250738585072014e-308", -2.2250738585072014e-308),
        new("double_tenth", "dbl", "0.1", 0.1),

        new("date_min", "dt", "'1000-01-01'", new DateTime(1000, 1, 1)),
        new("date_first_year", "dt", "'0001-01-01'", new DateTime(1, 1, 1)),
        new("date_max", "dt", "'9999-12-31'", new DateTime(9999, 12, 31)),
        new("date_leap_day", "dt", "'2024-02-29'", new DateTime(2024, 2, 29)),
        new("datetime0_max", "dt0", "'9999-12-31 23:59:59'", new DateTime(9999, 12, 31, 23, 59, 59)),
        new("datetime0_min", "dt0", "'1000-01-01 00:00:00'", new DateTime(1000, 1, 1)),
        new("datetime3_max", "dt3", "'9999-12-31 23:59:59.999'", new DateTime(9999, 12, 31, 23, 59, 59, 999)),
        new("datetime6_max", "dt6", "'9999-12-31 23:59:59.999999'", new DateTime(9999, 12, 31, 23, 59, 59, 999, 999)),
        new("datetime6_min", "dt6", "'1000-01-01 00:00:00.000000'", new DateTime(1000, 1, 1)),
        new("datetime6_one_microsecond", "dt6", "'2024-02-29 12:34:56.000001'", new DateTime(2024, 2, 29, 12, 34, 56, 0, 1)),
        new("timestamp6_max", "ts6", "'2038-01-19 03:14:07.999999'", new DateTime(2038, 1, 19, 3, 14, 7, 999, 999, DateTimeKind.Utc)),
        new("timestamp6_min", "ts6", "'1970-01-01 00:00:01.000000'", new DateTime(1970, 1, 1, 0, 0, 1, DateTimeKind.Utc)),

        new("time0_min", "tm0", "'-838:59:59'", -new TimeSpan(838, 59, 59)),
        new("time0_max", "tm0", "'838:59:59'", new TimeSpan(838, 59, 59)),
        new("time0_over_a_day", "tm0", "'100:00:01'", new TimeSpan(100, 0, 1)),
        new("time6_max", "tm6", "'838:59:59.999999'", new TimeSpan(838, 59, 59) + TimeSpan.FromTicks(9_999_990)),
        new("time6_min", "tm6", "'-838:59:59.999999'", -(new TimeSpan(838, 59, 59) + TimeSpan.FromTicks(9_999_990))),
        new("time6_negative_half_second", "tm6", "'-00:00:00.5'", TimeSpan.FromMilliseconds(-500)),
        new("time6_negative_microsecond", "tm6", "'-00:00:00.000001'", TimeSpan.FromTicks(-10)),
        new("time6_negative_fraction_with_minutes", "tm6", "'-00:01:02.250000'", -new TimeSpan(0, 0, 1, 2, 250)),

        new("year_min", "yr", "1901", (short)1901),
        new("year_max", "yr", "2155", (short)2155),
        new("year_zero", "yr", "0", (short)0),

        new("char_utf8mb4_emoji", "c_mb4", "'😀 Ünï €'", "😀 Ünï €"),
        new("varchar_utf8mb4_emoji", "vc_mb4", "'𝄞 emoji 😀👍🏽 mixed ascii'", "𝄞 emoji 😀👍🏽 mixed ascii"),
        new("text_utf8mb4_emoji", "tx_mb4", "'🦄 quotes '' \" and a backslash \\\\ in text'", "🦄 quotes ' \" and a backslash \\ in text"),
        new("char_utf8mb3", "c_mb3", "'Grüße ✓'", "Grüße ✓"),
        new("varchar_utf8mb3", "vc_mb3", "'日本語 ü ß ₩'", "日本語 ü ß ₩"),
        new("text_utf8mb3", "tx_mb3", "'BMP only: Ω ≈ ç √ ∫ \uFFFD'", "BMP only: Ω ≈ ç √ ∫ \uFFFD"),
        new("char_latin1_euro_zcaron", "c_l1", "'€Ž ž Ÿ ÿ'", "€Ž ž Ÿ ÿ"),
        new("varchar_latin1_0x80_to_0x9f", "vc_l1", "'" + Latin1Specials + "'", Latin1Specials),
        new("text_latin1_unassigned_c1", "tx_l1", "'café ½ ¿ \u0081\u008D\u008F\u0090\u009D end'", "café ½ ¿ \u0081\u008D\u008F\u0090\u009D end"),

        // CHAR(36) and BINARY(16) hold GUIDs in many schemas: they stay text and bytes, exactly as stored.
        new("char36_guid_upper_case", "g36", "'3F2504E0-4F89-11D3-9A0C-0305E82C3301'", "3F2504E0-4F89-11D3-9A0C-0305E82C3301"),
        new("char36_not_a_guid", "g36", "'not-a-guid'", "not-a-guid"),
        new("binary16_guid_bytes", "g16", "X'00112233445566778899AABBCCDDEEFF'", Convert.FromHexString("00112233445566778899AABBCCDDEEFF")),
        new("binary4", "bin4", "X'DEADBEEF'", new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }),
        new("binary4_with_zeros", "bin4", "X'00FF0080'", new byte[] { 0x00, 0xFF, 0x00, 0x80 }),
        new("varbinary_quotes_and_backslash", "vbin", "X'00275C22FF5A1A'", new byte[] { 0x00, 0x27, 0x5C, 0x22, 0xFF, 0x5A, 0x1A }),
        new("blob_every_byte", "bl", "X'" + Convert.ToHexString(AllBytes) + "'", AllBytes),
        new("longblob_small", "lbl", "X'FF00'", new byte[] { 0xFF, 0x00 }),

        new("enum_ascii", "en", "'large'", "large"),
        new("enum_non_ascii", "en", "'€uro'", "€uro"),
        new("set_two_members", "st", "'a,c'", "a,c"),
        new("set_non_ascii_member", "st", "'b,ü'", "b,ü"),

        new("bit1_one", "b1", "b'1'", 1UL),
        new("bit1_zero", "b1", "b'0'", 0UL),
        new("bit64_all_ones", "b64", "b'" + new string('1', 64) + "'", ulong.MaxValue),
        new("bit64_high_and_low", "b64", "b'1" + new string('0', 62) + "1'", 0x8000_0000_0000_0001UL),

        new("json_nested_unicode", "js", "'" + Json.Replace("\\", "\\\\", StringComparison.Ordinal) + "'", Json),
    }.ToDictionary(c => c.Name);

    // Columns that hold strings or bytes, with what an empty value reads back as.
    private static readonly Dictionary<string, object> EmptyValues = new()
    {
        ["c_mb4"] = "", ["vc_mb4"] = "", ["tx_mb4"] = "",
        ["c_mb3"] = "", ["vc_mb3"] = "", ["tx_mb3"] = "",
        ["c_l1"] = "", ["vc_l1"] = "", ["tx_l1"] = "",
        ["ltx"] = "", ["g36"] = "",
        ["vbin"] = Array.Empty<byte>(), ["bl"] = Array.Empty<byte>(), ["lbl"] = Array.Empty<byte>(),
        // BINARY(n) pads with zero bytes, so an empty value comes back as n zeros.
        ["bin4"] = new byte[4], ["g16"] = new byte[16],
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
    public async Task Value_ReadsExactly_InsertedAsParameter(string name)
    {
        var c = Cases[name];
        await using var connection = await OpenMatrixAsync();

        var id = await InsertAsync(connection, c.Column, ParameterValue(c.Expected));
        await AssertReadsBackAsync(connection, c, id);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Value_ReadsExactly_InsertedAsSqlLiteral(string name)
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

        var fromParameter = await InsertAsync(connection, c.Column, ParameterValue(c.Expected));
        var fromLiteral = await InsertLiteralAsync(connection, c.Column, c.Literal);

        // Compared by the server, independently of how the client reads either value.
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
            var (value, isNull) = await ReadWithIsNullAsync(connection, column, id);
            isNull.Should().BeFalse("the server must not have stored NULL");
            if (expected is string text)
            {
                value.Should().Be(text);
            }
            else
            {
                value.Should().BeOfType<byte[]>().Which.Should().Equal((byte[])expected);
            }
        }

        var (nullValue, nullIsNull) = await ReadWithIsNullAsync(connection, column, fromNull);
        nullIsNull.Should().BeTrue();
        nullValue.Should().BeNull();
    }

    [Fact]
    public async Task EveryColumn_Null_ReadsAsNull_AndKeepsItsKind()
    {
        await using var connection = await OpenMatrixAsync();
        await ExecuteAsync(connection, "INSERT INTO matrix (id) VALUES (NULL)");

        await using var command = new MySqlCommand("SELECT * FROM matrix", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = MySqlColumnReader.For(reader);
        (await reader.ReadAsync()).Should().BeTrue();
        reader.FieldCount.Should().Be(Kinds.Count + 1);
        var expectedTypes = Cases.Values.GroupBy(c => c.Column).ToDictionary(g => g.Key, g => g.First().Expected.GetType());
        var values = columns.GetValues(reader);
        for (var i = 1; i < reader.FieldCount; i++)
        {
            var column = reader.GetName(i);
            values[i].Should().BeNull(column);
            columns.Kinds[i].Should().Be(Kinds[column], column);
            if (expectedTypes.TryGetValue(column, out var type))
            {
                MySqlValuePolicy.ClrType(columns.Kinds[i]).Should().Be(type, column);
            }
        }
    }

    [Fact]
    public async Task FloatExtremes_AreStoredExactly_ThoughTheServerPrintsFloatWithSixDigits()
    {
        await using var connection = await OpenMatrixAsync();
        foreach (var value in new[] { float.MaxValue, -float.MaxValue, float.Epsilon, 16777217f, 1.0000001f })
        {
            // Passed as the double of the same value: MySqlConnector prints a float parameter in its shortest round-trip
            // digits, which the server parses as a double (3.4028235E+38 is above FLT_MAX and out of range).
            var id = await InsertAsync(connection, "f", (double)value);

            // CAST to DOUBLE prints the stored single exactly; the FLOAT column itself prints %g-style.
            var (values, kinds) = await ReadRowAsync(connection, "SELECT CAST(f AS DOUBLE), f FROM matrix WHERE id = ?", id);
            values[0].Should().Be((double)value, "the server should store the single {0:R} exactly", value);
            kinds[1].Should().Be(MySqlValueKind.Single);
            values[1].Should().BeOfType<float>().Which.Should().BeApproximately(value, Math.Abs(value) * 1e-5f);
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
        (await ReadAsync(connection, "f", single)).Should().Be(0f);
        (await ReadAsync(connection, "dbl", dbl)).Should().Be(0.0);
        (await ReadAsync(connection, "dbl", literal)).Should().Be(0.0);
    }

    [Fact]
    public async Task ZeroAndPartialDates_ReadExactly_AsMySqlConnectorsMySqlDateTime()
    {
        await using var connection = await OpenMatrixAsync();
        await ExecuteAsync(connection, "SET SESSION sql_mode = 'ALLOW_INVALID_DATES'");

        var zero = new MySqlDateTime(0, 0, 0, 0, 0, 0, 0);
        var partial = new MySqlDateTime(2024, 0, 15, 0, 0, 0, 0);
        var partialDay = new MySqlDateTime(2024, 2, 0, 0, 0, 0, 0);
        var partialWithTime = new MySqlDateTime(2024, 0, 15, 10, 11, 12, 1);
        var pastMonthEnd = new MySqlDateTime(2023, 2, 29, 0, 0, 0, 0);
        // MySqlConnector writes a MySqlDateTime parameter with a zero part as the zero date, so partial dates go as text.
        var rows = new List<(long Id, string Column, MySqlDateTime Expected, string Text)>
        {
            (await InsertLiteralAsync(connection, "dt", "'0000-00-00'"), "dt", zero, "0000-00-00"),
            (await InsertAsync(connection, "dt", zero), "dt", zero, "0000-00-00"),
            (await InsertLiteralAsync(connection, "dt0", "'0000-00-00 00:00:00'"), "dt0", zero, "0000-00-00 00:00:00"),
            (await InsertAsync(connection, "dt6", zero), "dt6", zero, "0000-00-00 00:00:00.000000"),
            (await InsertLiteralAsync(connection, "ts6", "'0000-00-00 00:00:00'"), "ts6", zero, "0000-00-00 00:00:00.000000"),
            (await InsertLiteralAsync(connection, "dt", "'2024-00-15'"), "dt", partial, "2024-00-15"),
            (await InsertAsync(connection, "dt", "2024-00-15"), "dt", partial, "2024-00-15"),
            (await InsertLiteralAsync(connection, "dt", "'2024-02-00'"), "dt", partialDay, "2024-02-00"),
            (await InsertLiteralAsync(connection, "dt", "'2023-02-29'"), "dt", pastMonthEnd, "2023-02-29"),
            (await InsertLiteralAsync(connection, "dt6", "'2024-00-15 10:11:12.000001'"), "dt6", partialWithTime, "2024-00-15 10:11:12.000001"),
            (await InsertAsync(connection, "dt6", "2024-00-15 10:11:12.000001"), "dt6", partialWithTime, "2024-00-15 10:11:12.000001"),
        };

        foreach (var (id, column, expected, text) in rows)
        {
            var (values, kinds) = await ReadRowAsync(connection, $"SELECT {column}, CAST({column} AS CHAR) FROM matrix WHERE id = ?", id);

            values[1].Should().Be(text, "the server stored the value as written");
            kinds[0].Should().Be(Kinds[column]);
            values[0].Should().BeOfType<MySqlDateTime>($"{text} is no DateTime").Which.Should().Be(expected, column);
        }
    }

    [Fact]
    public async Task Timestamp_ReadsAsUtc_WhateverZoneItWasWrittenIn()
    {
        await using var connection = await OpenMatrixAsync();
        await ExecuteAsync(connection, "SET time_zone = '+02:00'");
        var id = await InsertLiteralAsync(connection, "ts6", "'2024-06-01 12:00:00.250000'");
        await ExecuteAsync(connection, "SET time_zone = '+00:00'");

        var value = await ReadAsync(connection, "ts6", id);

        value.Should().BeOfType<DateTime>().Which.Should().Be(new DateTime(2024, 6, 1, 10, 0, 0, 250, DateTimeKind.Utc));
        ((DateTime)value!).Kind.Should().Be(DateTimeKind.Utc);
    }

    [Fact]
    public async Task Latin1Columns_StoreCp1252Bytes_AndReadBackExactly()
    {
        await using var connection = await OpenMatrixAsync();
        var text = "€Ž" + Latin1Specials + " ÿ \u0081\u008D\u008F\u0090\u009D";
        var id = await InsertAsync(connection, "tx_l1", text);

        var (values, _) = await ReadRowAsync(connection, "SELECT tx_l1, HEX(tx_l1) FROM matrix WHERE id = ?", id);

        // The server's latin1 is Windows-1252 with the five unassigned bytes as C1 controls: MySqlLatin1Encoding, which
        // the binlog decoder uses for latin1 columns.
        var stored = Convert.FromHexString((string)values[1]!);
        stored.Should().HaveCount(text.Length, "latin1 stores one byte per character");
        stored[0].Should().Be(0x80, "€ is 0x80 in latin1");
        stored[1].Should().Be(0x8E, "Ž is 0x8E in latin1");
        stored.Should().Equal(MySqlLatin1Encoding.Instance.GetBytes(text));
        values[0].Should().Be(text);
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
            CharacterSets.GetCharsetName(id).Should().Be(expected, $"collation {collation} (id {id}) belongs to {charset}");
            CharacterSets.TryGetEncoding(id, out _).Should().Be(expected is not null, collation);
            checkedIds++;
        }

        checkedIds.Should().BeGreaterThan(200);
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
    public async Task LongBlob_Of20MiB_ReadsBackByteForByte()
    {
        await using var connection = await OpenMatrixAsync();
        var data = RandomNumberGenerator.GetBytes(20 * 1024 * 1024);

        var id = await InsertAsync(connection, "lbl", data);

        // The server's view of what was sent, independent of the read path.
        var (check, _) = await ReadRowAsync(connection, "SELECT LENGTH(lbl), SHA2(lbl, 256) FROM matrix WHERE id = ?", id);
        check[0].Should().Be((long)data.Length);
        check[1].Should().Be(Convert.ToHexStringLower(SHA256.HashData(data)));

        (await ReadAsync(connection, "lbl", id)).Should().BeOfType<byte[]>().Which.AsSpan().SequenceEqual(data).Should().BeTrue("the bytes must match exactly");
        (await ScalarAsync(connection, "SELECT 42")).Should().Be(42, "the connection stays usable after the large row");
    }

    [Fact]
    public async Task LongText_Of20MiB_ReadsBackCharForChar()
    {
        await using var connection = await OpenMatrixAsync();
        var text = RandomText(20 * 1024 * 1024);
        var utf8 = Encoding.UTF8.GetBytes(text);

        var id = await InsertAsync(connection, "ltx", text);

        var (check, _) = await ReadRowAsync(connection, "SELECT LENGTH(ltx), SHA2(ltx, 256) FROM matrix WHERE id = ?", id);
        check[0].Should().Be((long)utf8.Length);
        check[1].Should().Be(Convert.ToHexStringLower(SHA256.HashData(utf8)));

        var read = (string)(await ReadAsync(connection, "ltx", id))!;
        read.Length.Should().Be(text.Length);
        string.Equals(read, text, StringComparison.Ordinal).Should().BeTrue("the text must match exactly");
    }

    private async Task<MySqlConnection> OpenMatrixAsync()
    {
        var connection = await OpenAsync();
        await ExecuteAsync(connection, "SET time_zone = '+00:00'");
        await ExecuteAsync(connection, Table);
        return connection;
    }

    /// <summary>What an application passes as a MySqlConnector parameter for the value (ExactDecimal, unknown to it, as its text).</summary>
    private static object ParameterValue(object expected) => expected is ExactDecimal exact ? exact.ToString() : expected;

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

    /// <summary>The one row of a query, every value through <see cref="MySqlColumnReader"/>, with the columns' kinds.</summary>
    private static async Task<(object?[] Values, IReadOnlyList<MySqlValueKind> Kinds)> ReadRowAsync(MySqlConnection connection, string sql, params object?[] positional)
    {
        await using var command = new MySqlCommand(sql, connection);
        foreach (var value in positional)
        {
            command.Parameters.Add(new MySqlParameter { Value = value });
        }

        await using var reader = await command.ExecuteReaderAsync();
        var columns = MySqlColumnReader.For(reader);
        (await reader.ReadAsync()).Should().BeTrue();
        var values = columns.GetValues(reader);
        (await reader.ReadAsync()).Should().BeFalse();
        return (values, columns.Kinds);
    }

    private static async Task<object?> ReadAsync(MySqlConnection connection, string column, long id) =>
        (await ReadRowAsync(connection, $"SELECT {column} FROM matrix WHERE id = ?", id)).Values[0];

    private static async Task<(object? Value, bool IsNull)> ReadWithIsNullAsync(MySqlConnection connection, string column, long id)
    {
        var (values, _) = await ReadRowAsync(connection, $"SELECT {column}, {column} IS NULL FROM matrix WHERE id = ?", id);
        return (values[0], Convert.ToInt64(values[1], CultureInfo.InvariantCulture) == 1);
    }

    private static async Task AssertReadsBackAsync(MySqlConnection connection, Case c, long id)
    {
        var (values, kinds) = await ReadRowAsync(connection, $"SELECT {c.Column} FROM matrix WHERE id = ?", id);

        var kind = kinds[0];
        kind.Should().Be(Kinds[c.Column], $"the kind of {c.Column}");
        MySqlValuePolicy.ClrType(kind).Should().Be(c.Expected.GetType(), "the value's type is the kind's");
        var value = values[0];
        value.Should().NotBeNull();
        value!.GetType().Should().Be(c.Expected.GetType());
        switch (c.Expected)
        {
            case byte[] bytes:
                ((byte[])value).Should().Equal(bytes);
                break;
            case ExactDecimal exact:
                value.Should().Be(exact);
                value.ToString().Should().Be(exact.ToString(), "the server's digits are kept");
                break;
            case decimal d:
                value.Should().Be(d);
                ((decimal)value).ToString(CultureInfo.InvariantCulture).Should().Be(d.ToString(CultureInfo.InvariantCulture), "the scale is kept");
                break;
            case DateTime dateTime:
                value.Should().Be(dateTime);
                ((DateTime)value).Kind.Should().Be(dateTime.Kind, "TIMESTAMP is UTC, DATE and DATETIME Unspecified");
                break;
            default:
                value.Should().Be(c.Expected);
                break;
        }
    }

    private static Case Dec(string name, string column, string text) => new(name, column, text, ExactDecimal.Parse(text));

    private static string Describe(object value) => value switch
    {
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Random text mixing ASCII, 2-, 3- and 4-byte UTF-8 and every character SQL text must escape.</summary>
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

    private sealed record Case(string Name, string Column, string Literal, object Expected);
}
