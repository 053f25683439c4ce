using DualWrite.MySql.Replication;
using DualWrite.MySql.Schema;
using DualWrite.MySql.Values;
using DualWrite.Testing;

namespace DualWrite.MySql.Tests.Integration.Schema;

/// <summary>
/// The shared type matrix (<see cref="MySqlTypeMatrix"/>) through the three readers of a MySQL column: the schema
/// reader's kind of every column, the kind a SELECT (the snapshot's <see cref="MySqlColumnReader"/>) and the binlog
/// decoder give it, and the values the snapshot and the binlog read of the same rows.
/// </summary>
public sealed class TypeMatrixKindTests : SchemaTestBase
{
    /// <summary>What <see cref="MySqlSchemaReader"/> makes of every column of <see cref="MySqlTypeMatrix.CreateTable"/>.</summary>
    private static readonly Dictionary<string, MySqlValueKind> Expected = new()
    {
        ["id"] = MySqlValueKind.Int32,
        ["ti"] = MySqlValueKind.SByte, ["tiu"] = MySqlValueKind.Byte, ["t1"] = MySqlValueKind.SByte,
        ["si"] = MySqlValueKind.Int16, ["siu"] = MySqlValueKind.UInt16, ["mi"] = MySqlValueKind.Int32, ["miu"] = MySqlValueKind.UInt32,
        ["i"] = MySqlValueKind.Int32, ["iu"] = MySqlValueKind.UInt32, ["bi"] = MySqlValueKind.Int64, ["biu"] = MySqlValueKind.UInt64,
        ["d65"] = MySqlValueKind.ExactDecimal, ["d29"] = MySqlValueKind.ExactDecimal, ["d28"] = MySqlValueKind.Decimal, ["d10"] = MySqlValueKind.Decimal,
        ["f"] = MySqlValueKind.Single, ["db"] = MySqlValueKind.Double,
        ["dt"] = MySqlValueKind.Date, ["dtm0"] = MySqlValueKind.DateTime, ["dtm3"] = MySqlValueKind.DateTime, ["dtm6"] = MySqlValueKind.DateTime,
        ["ts0"] = MySqlValueKind.Timestamp, ["ts6"] = MySqlValueKind.Timestamp, ["tm"] = MySqlValueKind.Time, ["tm6"] = MySqlValueKind.Time,
        ["y"] = MySqlValueKind.Year,
        ["c"] = MySqlValueKind.Text, ["g36"] = MySqlValueKind.Text, ["vc"] = MySqlValueKind.Text, ["tx"] = MySqlValueKind.Text,
        ["mtx"] = MySqlValueKind.Text, ["ltx"] = MySqlValueKind.Text, ["vc3"] = MySqlValueKind.Text, ["vl1"] = MySqlValueKind.Text,
        ["bn"] = MySqlValueKind.Binary, ["g16"] = MySqlValueKind.Binary, ["vb"] = MySqlValueKind.Binary, ["bl"] = MySqlValueKind.Binary,
        ["lbl"] = MySqlValueKind.Binary,
        ["e"] = MySqlValueKind.Enum, ["st"] = MySqlValueKind.Set, ["b1"] = MySqlValueKind.Bit, ["b64"] = MySqlValueKind.Bit,
        // MariaDB's JSON is LONGTEXT with a json_valid check: JSON to the schema, text to a SELECT and the binlog.
        ["js"] = MySqlValueKind.Json,
        ["pt"] = MySqlValueKind.Spatial,
    };

    public TypeMatrixKindTests()
        : base("kinds")
    {
    }

    [Fact]
    public async Task EveryColumn_ReadsIntoItsKind_WithTheClrTypeOfTheSelectsAndTheBinlogsKind()
    {
        var (table, selectedKinds, _, changes) = await TypeMatrixAsync();

        table.Columns.ToDictionary(c => c.Name, c => c.Kind).Should().Equal(Expected.ToDictionary(e => e.Key, e => (MySqlValueKind?)e.Value));
        var binlogKinds = changes[0].Table.Columns.Select(MySqlValuePolicy.Of).ToList();
        foreach (var column in table.Columns)
        {
            var kind = column.Kind!.Value;
            var (selected, binlog) = (selectedKinds[column.Ordinal], binlogKinds[column.Ordinal]);
            MySqlValuePolicy.ClrType(selected).Should().Be(MySqlValuePolicy.ClrType(kind), $"column {column.Name}: schema {kind}, SELECT {selected}");
            MySqlValuePolicy.ClrType(binlog).Should().Be(MySqlValuePolicy.ClrType(kind), $"column {column.Name}: schema {kind}, binlog {binlog}");
            if (kind != MySqlValueKind.Json)
            {
                selected.Should().Be(kind, column.Name);
                binlog.Should().Be(kind, column.Name);
            }
        }
    }

    [Fact]
    public async Task TheSnapshotAndTheBinlog_ReadTheSameClrValue_OfTheSchemasKind_ForEveryRow()
    {
        var (table, _, rows, changes) = await TypeMatrixAsync();

        changes.Should().HaveCount(rows.Count);
        for (var row = 0; row < rows.Count; row++)
        {
            var decoded = changes[row].After!;
            foreach (var column in table.Columns)
            {
                var (selected, binlog) = (rows[row][column.Ordinal], decoded[column.Ordinal]);
                var what = $"row {row + 1}, column {column.Name}";
                if (selected is null)
                {
                    binlog.Should().BeNull(what);
                    continue;
                }

                binlog.Should().NotBeNull(what);
                binlog!.GetType().Should().Be(selected.GetType(), what);
                // A date DateTime cannot hold is MySqlDateTime on both paths; every other value has its kind's type.
                if (selected is not MySqlDateTime)
                {
                    selected.GetType().Should().Be(MySqlValuePolicy.ClrType(column.Kind!.Value), what);
                }

                if (selected is byte[] bytes)
                {
                    ((byte[])binlog).Should().Equal(bytes, what);
                }
                else
                {
                    binlog.Should().Be(selected, what);
                    (binlog as DateTime?)?.Kind.Should().Be(((DateTime)selected).Kind, what);
                }
            }
        }
    }

    /// <summary>
    /// Creates the matrix and inserts its rows; returns the schema reader's table, the SELECT's kinds and rows (as the
    /// snapshot reads them: exact settings, session in UTC), and the binlog's inserts in row order.
    /// </summary>
    private async Task<(MySqlTable Table, IReadOnlyList<MySqlValueKind> SelectedKinds, List<object?[]> Rows, List<RowChange> Changes)> TypeMatrixAsync()
    {
        await ExecuteAsync(MySqlTypeMatrix.CreateTable);
        var readerConnection = MariaDbServer.ConnectionString(b => b.Database = "");
        var start = await new BinlogReader(readerConnection).GetCurrentPositionAsync();
        await ExecuteAsync(MySqlTypeMatrix.Insert);

        await using var connection = await OpenAsync(b => MySqlExactSettings.Apply(b));
        var table = await MySqlSchemaReader.ReadTableAsync(connection, Database, "types", CancellationToken.None) ?? throw new InvalidOperationException("no table types");
        await using (var zone = new MySqlCommand("SET time_zone = '+00:00'", connection))
        {
            await zone.ExecuteNonQueryAsync();
        }

        await using var select = new MySqlCommand("SELECT * FROM types ORDER BY id", connection);
        await using var reader = await select.ExecuteReaderAsync();
        var values = MySqlColumnReader.For(reader);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            rows.Add(values.GetValues(reader));
        }

        var changes = new List<RowChange>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var options = new BinlogReaderOptions { StopAtEnd = true, IncludeTable = (schema, _) => schema == Database };
        await foreach (var transaction in new BinlogReader(readerConnection, options).ReadAsync(start, timeout.Token))
        {
            changes.AddRange(transaction.Changes);
        }

        return (table, values.Kinds, rows, [.. changes.OrderBy(c => Convert.ToInt32(c.After![0], System.Globalization.CultureInfo.InvariantCulture))]);
    }
}
