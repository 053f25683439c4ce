using System.Collections;
using DualWrite.Backfill.Engine;

namespace DualWrite.Backfill.Tests.Engine;

/// <summary>Every mapped MySQL type, copied by the snapshot into PostgreSQL and compared value by value.</summary>
public sealed class TypeRoundTripTests
{
    [Fact]
    public async Task EveryMappedType_ArrivesExactly()
    {
        await using var rig = await BackfillRig.CreateAsync("bf_types");
        await rig.ExecuteAsync("""
            SET SESSION sql_mode = '';
            CREATE TABLE all_types (
              id INT NOT NULL PRIMARY KEY,
              ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
              i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
              d DECIMAL(12,2), dwide DECIMAL(65,30), f FLOAT, db DOUBLE, b BIT(10), y YEAR,
              dt DATE, dtm DATETIME(6), ts TIMESTAMP(3) NULL, tm TIME(6),
              c CHAR(5), vc VARCHAR(40), tx TEXT, bn BINARY(4), vb VARBINARY(10), bl BLOB,
              j JSON, e ENUM('small','it''s Big'), st SET('a','b','c'));
            INSERT INTO all_types VALUES
              (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615,
               -1234567890.12, '12345678901234567890123456789012345.123456789012345678901234567890', 1.5, 2.25, b'1000000001', 2155,
               '2024-02-29', '2024-02-29 23:59:59.999999', '2038-01-19 03:14:07.123', '838:59:59.000000',
               'ab', 'naïve 🦆', 'long text', x'00ff10ab', x'0102', x'deadbeef',
               '{"b": [1, 2.50, "x"], "a": null}', 'it''s Big', 'a,c'),
              (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               '0000-00-00', '0000-00-00 00:00:00', NULL, '-838:59:59', NULL, '', NULL, NULL, NULL, NULL, NULL, NULL, ''),
              (-3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '-0.000000000000000000000000000001', 0, 0, b'0', 1901,
               '1000-01-01', '1000-01-01 00:00:00', '1970-01-01 00:00:01', '00:00:00', 'x', 'y', '', x'00000000', x'', x'',
               '[]', 'small', 'b');
            """);
        var table = await rig.TableAsync("all_types");

        await rig.Runner(rig.Plan(), table).RunAsync(new BackfillOptions { CatchUp = null, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);

        var comparison = await rig.CompareAsync(table);
        comparison.Equal.Should().BeTrue(comparison + string.Join("; ", comparison.Samples));
        comparison.SourceRows.Should().Be(3);
        await using var command = rig.Target.CreateCommand(
            $"SELECT id, biu::text, dwide::text, tm::text, b::text, st, e, dt::text, dtm::text, ts::text, vc, j::text FROM \"{rig.Schema}\".all_types");
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
        ((string)rows[1][9]!).Should().StartWith("2038-01-19 03:14:07.123");
        rows[1][10].Should().Be("naïve 🦆");
        rows[1][11].Should().Be("""{"a": null, "b": [1, 2.50, "x"]}""");
        rows[2][3].Should().Be("-838:59:59", "negative TIME too");
        rows[2][7].Should().Be("-infinity", "a zero date becomes -infinity");
        rows[2][8].Should().Be("-infinity");
        ((string[])rows[2][5]!).Should().BeEmpty("an empty SET is an empty array");
        rows[-3][2].Should().Be("-0.000000000000000000000000000001");
    }

    [Fact]
    public async Task AnEnumValueOutsideItsMembers_IsRefusedByTheTarget()
    {
        await using var rig = await BackfillRig.CreateAsync("bf_enumcheck");
        await rig.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY, e ENUM('x','y'))");
        var table = await rig.TableAsync("t");
        await rig.Runner(rig.Plan(), table).RunAsync(new BackfillOptions { CatchUp = null, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);

        var insert = () => PostgresServer.ExecuteAsync(rig.Target, $"INSERT INTO \"{rig.Schema}\".t VALUES (1, 'z', 1)");

        await insert.Should().ThrowAsync<Npgsql.PostgresException>().Where(e => e.SqlState == "23514", "the ENUM's members become a CHECK constraint");
    }
}
