using System.Collections;
using DualWrite.Migration.Engine;

namespace DualWrite.Migration.Tests.Engine;

/// <summary>Every mapped MySQL type, copied into PostgreSQL by the snapshot or by the catch-up, and compared value by value.</summary>
public sealed class TypeRoundTripTests
{
    private static readonly BackfillOptions SnapshotOnly = new() { CatchUp = null, ProgressInterval = TimeSpan.Zero };

    internal const string CreateSql = """
        CREATE TABLE all_types (
          id INT NOT NULL PRIMARY KEY,
          ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
          i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
          d DECIMAL(12,2), dwide DECIMAL(65,30), f FLOAT, db DOUBLE, b BIT(10), y YEAR,
          dt DATE, dtm DATETIME(6), ts TIMESTAMP(3) NULL, tm TIME(6),
          c CHAR(5), vc VARCHAR(40), tx TEXT, bn BINARY(4), vb VARBINARY(10), bl BLOB,
          j JSON, e ENUM('small','it''s Big'), st SET('a','b','c'),
          flag TINYINT(1), uid CHAR(36), ub BINARY(16));
        """;

    /// <summary>
    /// Three rows (1, 2 and -3) of extreme, zero and NULL values of every column. Written in a session 2 h east of UTC (TIMESTAMP values are
    /// instants, so they must arrive as UTC) with no sql_mode (so zero dates are allowed).
    /// </summary>
    internal const string InsertSql = """
        SET SESSION sql_mode = '';
        SET SESSION time_zone = '+02:00';
        INSERT INTO all_types VALUES
          (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615,
           -1234567890.12, '12345678901234567890123456789012345.123456789012345678901234567890', 1.5, 2.25, b'1000000001', 2155,
           '2024-02-29', '2024-02-29 23:59:59.999999', '2038-01-19 05:14:07.123', '838:59:59.000000',
           'ab', 'naïve 🦆', 'long text', x'00ff10ab', x'0102', x'deadbeef',
           '{"b": [1, 2.50, "x"], "a": null}', 'it''s Big', 'a,c',
           2, '6F9619FF-8B86-D011-B42D-00C04FC964FF', x'00112233445566778899aabbccddeeff'),
          (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           '0000-00-00', '0000-00-00 00:00:00', NULL, '-838:59:59', NULL, '', NULL, NULL, NULL, NULL, NULL, NULL, '',
           NULL, NULL, NULL),
          (-3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '-0.000000000000000000000000000001', 0, 0, b'0', 1901,
           '1000-01-01', '1000-01-01 00:00:00', '1970-01-01 02:00:01', '00:00:00', 'x', 'y', '', x'00000000', x'', x'',
           '[]', 'small', 'b',
           -1, 'not a guid', x'01');
        """;

    [Fact]
    public async Task EveryMappedType_ArrivesExactly()
    {
        await using var rig = await BackfillRig.CreateAsync("bf_types");
        await rig.ExecuteAsync(CreateSql);
        await rig.ExecuteAsync(InsertSql);
        var table = await rig.TableAsync("all_types");

        await rig.Runner(rig.Plan(), table).RunAsync(SnapshotOnly, CancellationToken.None);

        await ShouldHoldEveryValueAsync(rig, table);
    }

    [Fact]
    public async Task EveryMappedType_ArrivesExactly_ThroughTheCatchUp()
    {
        await using var rig = await BackfillRig.CreateAsync("bf_types_cdc");
        await rig.ExecuteAsync(CreateSql);
        var table = await rig.TableAsync("all_types");
        await rig.Runner(rig.Plan(), table).RunAsync(SnapshotOnly, CancellationToken.None);
        await rig.ExecuteAsync(InsertSql);

        // The rows come only from the binlog, decoded by the replication reader, and are compared with what the
        // SELECT reader reads: the two must agree on every value.
        await rig.Runner(rig.Plan(), table).RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { At = await rig.MasterPositionAsync() }, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);

        await ShouldHoldEveryValueAsync(rig, table);
    }

    private static async Task ShouldHoldEveryValueAsync(BackfillRig rig, TableSpec table)
    {
        var reconciliation = await rig.ReconcileAsync(table);
        reconciliation.Clean.Should().BeTrue(BackfillRig.Describe(reconciliation));
        reconciliation.SourceRows.Should().Be(3);
        reconciliation.Matching.Should().Be(3);
        await using var command = rig.Target.CreateCommand(
            $"SELECT id, biu::text, dwide::text, tm::text, b::text, st, e, dt::text, dtm::text, (ts AT TIME ZONE 'UTC')::text, vc, j::text, flag, uid, encode(ub, 'hex') FROM \"{rig.Schema}\".all_types");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<int, object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            rows[reader.GetInt32(0)] = row;
        }

        rows[1][1].Should().Be("18446744073709551615");
        rows[1][2].Should().Be("12345678901234567890123456789012345.123456789012345678901234567890");
        rows[1][3].Should().Be("838:59:59", "TIME beyond 24 h stays in hours");
        rows[1][4].Should().Be("1000000001");
        ((string[])rows[1][5]!).Should().Equal("a", "c");
        rows[1][6].Should().Be("it's Big", "ENUM members keep their case");
        rows[1][7].Should().Be("2024-02-29");
        rows[1][8].Should().Be("2024-02-29 23:59:59.999999");
        rows[1][9].Should().Be("2038-01-19 03:14:07.123", "a TIMESTAMP is the UTC instant, whatever the writing session's time zone");
        rows[1][10].Should().Be("naïve 🦆");
        rows[1][11].Should().Be("""{"a": null, "b": [1, 2.50, "x"]}""");
        rows[2][3].Should().Be("-838:59:59", "negative TIME too");
        rows[2][7].Should().Be("-infinity", "a zero date becomes -infinity");
        rows[2][8].Should().Be("-infinity");
        ((string[])rows[2][5]!).Should().BeEmpty("an empty SET is an empty array");
        rows[-3][2].Should().Be("-0.000000000000000000000000000001");
        rows[-3][9].Should().Be("1970-01-01 00:00:01");

        // The values MySqlConnector would change without the exact settings arrive as stored.
        rows[1][12].Should().Be((short)2, "TINYINT(1) is a number, not a bool");
        rows[-3][12].Should().Be((short)-1);
        rows[1][13].Should().Be("6F9619FF-8B86-D011-B42D-00C04FC964FF", "CHAR(36) is text, its case kept, not a Guid");
        rows[-3][13].Should().Be("not a guid");
        rows[1][14].Should().Be("00112233445566778899aabbccddeeff", "BINARY(16) is bytes in their order, not a Guid");
        rows[-3][14].Should().Be("01000000000000000000000000000000", "BINARY pads with zero bytes");
        rows[2][12].Should().Be(DBNull.Value);
    }

    [Fact]
    public async Task TextOfEveryCharacterSet_ArrivesAsUtf8_AndATextKeyStaysText()
    {
        await using var rig = await BackfillRig.CreateAsync("bf_charsets");
        await rig.ExecuteAsync("""
            CREATE TABLE t (k VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
              l1 VARCHAR(40) CHARACTER SET latin1, m3 TEXT CHARACTER SET utf8mb3, m4 MEDIUMTEXT CHARACTER SET utf8mb4, c CHAR(8) CHARACTER SET latin1);
            INSERT INTO t VALUES ('b-€', '€ ‚ ƒ „ … ž Ÿ ÿ', 'Grüße ✓', '😀 emoji', 'pad'), ('a-ü', '', '', '', ''), ('c', NULL, NULL, NULL, NULL);
            """);
        var table = await rig.TableAsync("t", chunkSize: 1);

        await rig.Runner(rig.Plan(parallelism: 1), table).RunAsync(SnapshotOnly, CancellationToken.None);

        (await rig.ReconcileAsync(table)).Clean.Should().BeTrue();
        await using var command = rig.Target.CreateCommand($"SELECT k, l1, m3, m4, c FROM \"{rig.Schema}\".t ORDER BY k COLLATE \"C\"");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[5];
            reader.GetValues(row!);
            rows.Add(row);
        }

        rows.Select(r => r[0]).Should().Equal("a-ü", "b-€", "c");
        rows[1].Skip(1).Should().Equal("€ ‚ ƒ „ … ž Ÿ ÿ", "Grüße ✓", "😀 emoji", "pad");
        rows[0].Skip(1).Should().Equal("", "", "", "");
        rows[2].Skip(1).Should().Equal(DBNull.Value, DBNull.Value, DBNull.Value, DBNull.Value);
    }

    [Fact]
    public async Task ANulCharacterInText_IsATypedErrorNamingTheColumn_AndNothingOfItsChunkIsWritten()
    {
        await using var rig = await BackfillRig.CreateAsync("bf_nul");
        await rig.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY, note VARCHAR(20)); INSERT INTO t VALUES (1, 'fine'), (2, CONCAT('a', CHAR(0), 'b'))");
        var table = await rig.TableAsync("t");

        var run = () => rig.Runner(rig.Plan(parallelism: 1), table).RunAsync(SnapshotOnly, CancellationToken.None);

        var error = (await run.Should().ThrowAsync<BackfillException>()).Which;
        error.Error.Should().Be(BackfillError.BadValue);
        error.Message.Should().Contain("`note`").And.Contain("NUL");
        (await rig.TargetScalarAsync<long>($"SELECT count(*) FROM \"{rig.Schema}\".t")).Should().Be(0, "the chunk with the bad value is not committed");
    }

    [Fact]
    public async Task AnEnumValueOutsideItsMembers_IsRefusedByTheTarget()
    {
        await using var rig = await BackfillRig.CreateAsync("bf_enumcheck");
        await rig.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY, e ENUM('x','y'))");
        var table = await rig.TableAsync("t");
        await rig.Runner(rig.Plan(), table).RunAsync(SnapshotOnly, CancellationToken.None);

        var insert = () => rig.ExecuteOnTargetAsync($"INSERT INTO \"{rig.Schema}\".t VALUES (1, 'z', 1)");

        await insert.Should().ThrowAsync<Npgsql.PostgresException>().Where(e => e.SqlState == "23514", "the ENUM's members become a CHECK constraint");
    }
}
