using System.Buffers.Binary;
using System.Text.Json;

namespace DualWrite.MySql.Replication.Tests.Binlog.Events;

/// <summary>The recorded binlog files in shared/fixtures/binlog (see its SOURCES.md), split into raw events.</summary>
internal static class BinlogFixtures
{
    public const string Compressed = "mysql-binlog-connector-java/src/test/resources/mysql-bin.compressed";
    public const string ChecksumNone = "mysql-binlog-connector-java/src/test/resources/mysql-bin.checksum-none";
    public const string ChecksumCrc32 = "mysql-binlog-connector-java/src/test/resources/mysql-bin.checksum-crc32";
    public const string Apecloud57 = "mysql-binlog-connector-rust/tests/parse_file_tests/mysql-bin.000057";
    public const string TransactionCompression = "rust_mysql_common/test-data/binlogs/transaction_compression.000001";
    public const string GtidTag = "rust_mysql_common/test-data/binlogs/binlog_transaction_with_GTID_TAG.000001";
    public const string Json = "rust_mysql_common/test-data/binlogs/json.binlog.000001";
    public const string JsonOpaque = "rust_mysql_common/test-data/binlogs/json-opaque.binlog";
    public const string EnumStringSet = "rust_mysql_common/test-data/binlogs/mysql-enum-string-set.000001";
    public const string InvisibleColumns = "rust_mysql_common/test-data/binlogs/binlog-invisible-columns.000001";
    public const string TypeBit = "rust_mysql_common/test-data/binlogs/mysql_type_bit.000001";
    public const string Vector = "rust_mysql_common/test-data/binlogs/vector.binlog";
    public const string MariaDb105 = "rust_mysql_common/test-data/binlogs/mariadb-bin.000001";
    public const string MariaDb118 = "mariadb-poc/mariadb-binlog/binlogs/domain_id_0/mariadb-repl-bin.000007";
    public const string Percona2 = "percona-server-mysql-operator/pkg/binlogsource/testdata/binlog.000002";
    public const string Percona3 = "percona-server-mysql-operator/pkg/binlogsource/testdata/binlog.000003";
    public const string MySqlCdc = "MySqlCdc/samples/MySqlCdc.Sample/mysql-bin.000001";
    public const string QueryBigger = "mysql-cdc-rs/tests/events/8.0/02_query_bigger/binlog.000733";
    public const string DeleteRowsV2 = "mysql-cdc-rs/tests/events/8.0/32_delete_rows_v2/binlog.000001";
    public const string ZongjiJson = "zongji/test/fixtures/binlog-mysql84-fullmeta.json";

    /// <summary>Every recorded binlog file.</summary>
    public static readonly string[] Files =
    [
        Compressed, ChecksumNone, ChecksumCrc32, Apecloud57, TransactionCompression, GtidTag, Json, JsonOpaque, EnumStringSet,
        InvisibleColumns, TypeBit, Vector, MariaDb105, MariaDb118, Percona2, Percona3, MySqlCdc, QueryBigger, DeleteRowsV2,
    ];

    /// <summary>The files whose events end with a CRC32.</summary>
    public static IEnumerable<string> ChecksummedFiles => Files.Where(f => f != ChecksumNone);

    private static readonly Lazy<string> Root = new(FindFixtureRoot);

    public static string PathOf(string relative) => Path.Combine(Root.Value, relative);

    public static byte[] Bytes(string relative) => File.ReadAllBytes(PathOf(relative));

    /// <summary>The events of a file, each a copy of its bytes, split by the header's size field.</summary>
    public static List<byte[]> Events(string relative) => SplitEvents(Bytes(relative));

    public static List<byte[]> SplitEvents(byte[] file)
    {
        var events = new List<byte[]>();
        var position = 4;
        while (position < file.Length)
        {
            var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(position + 9));
            events.Add(file.AsSpan(position, size).ToArray());
            position += size;
        }

        return events;
    }

    /// <summary>The zongji replication packets as complete events (the leading OK byte dropped).</summary>
    public static List<byte[]> ZongjiEvents()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(PathOf(ZongjiJson)));
        return json.RootElement.GetProperty("packets").EnumerateArray()
            .Select(p => p.GetString()!)
            .Select(hex => Convert.FromHexString(hex.StartsWith("0x", StringComparison.Ordinal) ? hex[2..] : hex)[1..])
            .ToList();
    }

    public static List<string> ZongjiSummary()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(PathOf(ZongjiJson)));
        return json.RootElement.GetProperty("eventSummary").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private static string FindFixtureRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DualWrite.sln")))
            {
                var root = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "binlog"));
                return Directory.Exists(root)
                    ? root
                    : throw new DirectoryNotFoundException($"The binlog fixtures are missing: expected them at {root} (shared/ beside the repository).");
            }
        }

        throw new DirectoryNotFoundException($"No DualWrite.sln above {AppContext.BaseDirectory}.");
    }
}
