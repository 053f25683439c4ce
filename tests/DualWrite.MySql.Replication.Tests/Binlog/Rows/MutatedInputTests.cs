using DualWrite.MySql.Replication.Rows;
using DualWrite.MySql.Values;
using static DualWrite.MySql.Replication.Tests.Binlog.Rows.RowsTestData;

namespace DualWrite.MySql.Replication.Tests.Binlog.Rows;

/// <summary>
/// Feeds mutated recorded events to the decoders: every failure must be a BinlogException of kind BinlogCorrupt or
/// BinlogUnsupported, never another exception type, a hang or a crash.
/// </summary>
public sealed class MutatedInputTests
{
    private const int Rounds = 400;

    private static readonly (string Map, string Rows, byte Type)[] MariaDbEvents =
    [
        (MariaDbCapturedEvents.NumTableMap, MariaDbCapturedEvents.NumWriteRows, 23),
        (MariaDbCapturedEvents.TimeTableMap, MariaDbCapturedEvents.TimeWriteRows, 23),
        (MariaDbCapturedEvents.StrTableMap, MariaDbCapturedEvents.StrWriteRows, 23),
        (MariaDbCapturedEvents.StrTableMap, MariaDbCapturedEvents.StrUpdateRows, 24),
        (MariaDbCapturedEvents.CompressedTableMap, MariaDbCapturedEvents.CompressedWriteRows, 23),
        (MariaDbCapturedEvents.CompressedTableMap, MariaDbCapturedEvents.CompressedWrappedWriteRows, 23),
    ];

    private static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = input.ToList();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes[at] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x00;
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 8), bytes.Count - at));
                    break;
                case 4:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }
        return [.. bytes];
    }

    private static void ExpectOnlyBinlogErrors(Action action, string what)
    {
        try
        {
            action();
        }
        catch (BinlogException e) when (e.Kind is BinlogErrorKind.BinlogCorrupt or BinlogErrorKind.BinlogUnsupported)
        {
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{what} threw {e.GetType().Name}: {e.Message}", e);
        }
    }

    // Reads every row of a rows event body with a table map, as far as the bytes go.
    private static void ReadAllRows(byte[] rowsEvent, byte type, TableMap map)
    {
        var offset = 8;
        var columnCount = rowsEvent[offset++];
        var length = (columnCount + 7) / 8;
        var first = rowsEvent.AsSpan(offset, length).ToArray();
        offset += length;
        var second = first;
        if (type == 24)
        {
            second = rowsEvent.AsSpan(offset, length).ToArray();
            offset += length;
        }
        while (offset < rowsEvent.Length)
        {
            var start = offset;
            var before = RowImageReader.Read(rowsEvent, ref offset, map, first);
            if (type == 24)
            {
                RowImageReader.Read(rowsEvent, ref offset, map, second);
            }
            if (offset == start)
            {
                return;
            }
            _ = before;
        }
    }

    [Fact]
    public void Mutated_table_maps()
    {
        var random = new Random(20240229);
        foreach (var (mapHex, rowsHex, type) in MariaDbEvents)
        {
            var map = Hex(mapHex);
            var rows = Hex(rowsHex);
            for (var round = 0; round < Rounds; round++)
            {
                var mutated = Mutate(map, random);
                ExpectOnlyBinlogErrors(() =>
                {
                    var parsed = TableMapParser.Parse(mutated, 8, isMariaDb: true);
                    // Decode the real rows with whatever the mutated map says the columns are.
                    ExpectOnlyBinlogErrors(() => ReadAllRows(rows, type, parsed), "rows under a mutated table map " + Convert.ToHexString(mutated));
                }, "table map " + Convert.ToHexString(mutated));
                ExpectOnlyBinlogErrors(() => TableMapParser.Parse(mutated, 8), "table map without flavor " + Convert.ToHexString(mutated));
            }
        }
    }

    [Fact]
    public void Mutated_rows()
    {
        var random = new Random(838_59_59);
        foreach (var (mapHex, rowsHex, type) in MariaDbEvents)
        {
            var map = TableMapParser.Parse(Hex(mapHex), 8, isMariaDb: true);
            var rows = Hex(rowsHex);
            var headerLength = 8 + 1 + ((map.Columns.Count + 7) / 8 * (type == 24 ? 2 : 1));
            for (var round = 0; round < Rounds * 2; round++)
            {
                var body = Mutate(rows[headerLength..], random);
                byte[] mutated = [.. rows[..headerLength], .. body];
                ExpectOnlyBinlogErrors(() => ReadAllRows(mutated, type, map), "rows " + Convert.ToHexString(mutated));
            }
        }
    }

    [Fact]
    public void Mutated_recorded_mysql_rows()
    {
        var random = new Random(84);
        var file = BinlogTestFile.LoadPacketCapture("zongji/test/fixtures/binlog-mysql84-fullmeta.json");
        var mapEvent = file.Events.First(e => e.Type == BinlogTestFile.TableMapEvent).Data;
        var map = TableMapParser.Parse(mapEvent, file.TableMapPostHeaderLength, isMariaDb: false);
        var write = file.Events.First(e => e.Type == 30).Data;
        var headerLength = 10 + BitConverter.ToUInt16(write, 8) - 2 + 1 + 4;
        for (var round = 0; round < Rounds * 2; round++)
        {
            var body = Mutate(write[headerLength..], random);
            ExpectOnlyBinlogErrors(() =>
            {
                var offset = 0;
                while (offset < body.Length)
                {
                    var start = offset;
                    RowImageReader.Read(body, ref offset, map, [0xFF, 0xFF, 0xFF, 0x03]);
                    if (offset == start)
                    {
                        break;
                    }
                }
            }, "MySQL row " + Convert.ToHexString(body));
            var mutatedMap = Mutate(mapEvent, random);
            ExpectOnlyBinlogErrors(() => TableMapParser.Parse(mutatedMap, 8, isMariaDb: false), "MySQL table map " + Convert.ToHexString(mutatedMap));
        }
    }

    [Fact]
    public void Mutated_binary_json()
    {
        var random = new Random(100);
        var documents = new List<byte[]>
        {
            JsonBinaryBuilder.Document(JsonBinaryBuilder.Object(false,
                ("a", JsonBinaryBuilder.Int16(1)),
                ("arr", JsonBinaryBuilder.Array(false, JsonBinaryBuilder.True, JsonBinaryBuilder.Double(2.5), JsonBinaryBuilder.String("x"))),
                ("o", JsonBinaryBuilder.Object(true, ("d", JsonBinaryBuilder.Opaque(MySqlColumnType.NewDecimal, [6, 3, 0x80, 0x7B, 0x01, 0xC8])))),
                ("t", JsonBinaryBuilder.Temporal(MySqlColumnType.DateTime, 2024, 2, 29, 1, 2, 3, 4)),
                ("z", JsonBinaryBuilder.Time(true, 1, 2, 3, 4)))),
            JsonBinaryBuilder.Document(JsonBinaryBuilder.Array(true, JsonBinaryBuilder.Int32(5), JsonBinaryBuilder.UInt64(7),
                JsonBinaryBuilder.Opaque(MySqlColumnType.Blob, new byte[100]))),
        };
        foreach (var document in documents)
        {
            for (var round = 0; round < Rounds * 2; round++)
            {
                var mutated = Mutate(document, random);
                ExpectOnlyBinlogErrors(() => MySqlJsonBinary.ToJson(mutated), "JSON " + Convert.ToHexString(mutated));
            }
        }
    }

    [Fact]
    public void Mutated_json_diffs()
    {
        var random = new Random(39);
        var diffs = JsonDiffApplierTests.DiffList(
            JsonDiffApplierTests.Diff(0, "$.a", JsonBinaryBuilder.Array(false, JsonBinaryBuilder.Int16(1))),
            JsonDiffApplierTests.Diff(1, "$.\"b c\"[last]", JsonBinaryBuilder.String("s")),
            JsonDiffApplierTests.Diff(2, "$.d[0]"));
        for (var round = 0; round < Rounds * 2; round++)
        {
            var mutated = Mutate(diffs, random);
            ExpectOnlyBinlogErrors(() =>
            {
                var offset = 0;
                JsonDiffApplier.Apply("{\"a\": 1, \"d\": [1, 2], \"b c\": {\"x\": [0]}}", mutated, ref offset);
            }, "JSON diff " + Convert.ToHexString(mutated));
        }
    }
}
