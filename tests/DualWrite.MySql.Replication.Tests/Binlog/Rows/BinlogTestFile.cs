using System.Buffers.Binary;
using DualWrite.MySql.Replication.Rows;

namespace DualWrite.MySql.Replication.Tests.Binlog.Rows;

/// <summary>
/// Minimal framing of recorded binlog files for the row tests: the magic, then events of a 19-byte header
/// (timestamp 4, type 1, server id 4, size 4, next position 4, flags 2), with a trailing CRC32 when the
/// FORMAT_DESCRIPTION event says so. Also a tiny rows-event envelope so row images can be read end to end.
/// </summary>
internal sealed class BinlogTestFile
{
    public const byte FormatDescription = 15;
    public const byte TableMapEvent = 19;

    private BinlogTestFile(string name, List<RawEvent> events, int tableMapPostHeaderLength, string serverVersion)
    {
        Name = name;
        Events = events;
        TableMapPostHeaderLength = tableMapPostHeaderLength;
        ServerVersion = serverVersion;
    }

    public string Name { get; }

    public IReadOnlyList<RawEvent> Events { get; }

    public int TableMapPostHeaderLength { get; }

    public string ServerVersion { get; }

    public bool IsMariaDb => ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    /// <summary>The shared fixtures directory: <c>&lt;repository root&gt;/../shared/fixtures/binlog</c>.</summary>
    public static string FixturesDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DualWrite.sln")))
            {
                dir = dir.Parent;
            }
            if (dir is null)
            {
                throw new InvalidOperationException("Cannot find the repository root (DualWrite.sln) above " + AppContext.BaseDirectory);
            }
            return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "binlog"));
        }
    }

    public static BinlogTestFile Load(string relativePath)
    {
        var path = Path.Combine(FixturesDirectory, relativePath);
        return Parse(Path.GetFileName(path), File.ReadAllBytes(path));
    }

    /// <summary>
    /// Loads a zongji packet capture (JSON with a "packets" array of hex replication packets, each an OK byte and then a
    /// whole event with its CRC32) as if the events were a binlog file.
    /// </summary>
    public static BinlogTestFile LoadPacketCapture(string relativePath)
    {
        var path = Path.Combine(FixturesDirectory, relativePath);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        var bytes = new List<byte> { 0xFE, (byte)'b', (byte)'i', (byte)'n' };
        foreach (var packet in json.RootElement.GetProperty("packets").EnumerateArray())
        {
            bytes.AddRange(Convert.FromHexString(packet.GetString()!).AsSpan(1).ToArray());
        }
        return Parse(Path.GetFileName(path), [.. bytes]);
    }

    public static BinlogTestFile Parse(string name, byte[] file)
    {
        if (file.Length < 4 || file[0] != 0xFE || file[1] != (byte)'b' || file[2] != (byte)'i' || file[3] != (byte)'n')
        {
            throw new InvalidDataException(name + " is not a binlog file.");
        }
        var events = new List<RawEvent>();
        var checksum = false;
        var tableMapPostHeader = 8;
        var serverVersion = string.Empty;
        var position = 4;
        while (position + 19 <= file.Length)
        {
            var type = file[position + 4];
            var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(position + 9));
            var eventBytes = file.AsSpan(position, size);
            if (type == FormatDescription)
            {
                // Body: binlog version 2, server version 50, timestamp 4, header length 1, post-header lengths, then
                // the checksum algorithm (1 = CRC32) and the FDE's own checksum.
                var body = eventBytes[19..];
                serverVersion = System.Text.Encoding.ASCII.GetString(body.Slice(2, 50)).TrimEnd('\0');
                checksum = eventBytes[^5] == 1;
                tableMapPostHeader = body[57 + TableMapEvent - 1];
            }
            var data = eventBytes[19..(checksum ? size - 4 : size)].ToArray();
            events.Add(new RawEvent(position, type, data));
            position += size;
        }
        return new BinlogTestFile(name, events, tableMapPostHeader, serverVersion);
    }

    /// <summary>Parses every TABLE_MAP and decodes every rows event of the file, in order.</summary>
    public List<DecodedRows> DecodeAllRows()
    {
        var maps = new Dictionary<ulong, TableMap>();
        var result = new List<DecodedRows>();
        foreach (var e in Events)
        {
            if (e.Type == TableMapEvent)
            {
                var map = TableMapParser.Parse(e.Data, TableMapPostHeaderLength, IsMariaDb);
                maps[map.TableId] = map;
            }
            else if (RowsEnvelope.IsRowsEvent(e.Type))
            {
                result.Add(RowsEnvelope.Decode(e, maps));
            }
        }
        return result;
    }

    public sealed record RawEvent(int Position, byte Type, byte[] Data);
}

/// <summary>The rows of one rows event.</summary>
internal sealed record DecodedRows(byte Type, TableMap Table, List<(object?[]? Before, object?[]? After)> Rows);

/// <summary>The envelope of WRITE/UPDATE/DELETE_ROWS v1 (23-25), v2 (30-32) and PARTIAL_UPDATE_ROWS (39).</summary>
internal static class RowsEnvelope
{
    public static bool IsRowsEvent(byte type) => type is >= 23 and <= 25 or >= 30 and <= 32 or 39;

    public static DecodedRows Decode(BinlogTestFile.RawEvent e, IReadOnlyDictionary<ulong, TableMap> maps)
    {
        var data = e.Data;
        var tableId = ReadUInt48(data, 0);
        var offset = 8;
        if (e.Type is >= 30)
        {
            // v2: extra-data length (counting its own two bytes) and the extra data.
            offset += BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset));
        }
        var table = maps[tableId];
        var columnCount = (int)ReadPacked(data, ref offset);
        var bitmapLength = (columnCount + 7) / 8;
        var isWrite = e.Type is 23 or 30;
        var isUpdate = e.Type is 24 or 31 or 39;
        var first = data.AsSpan(offset, bitmapLength).ToArray();
        offset += bitmapLength;
        var second = first;
        if (isUpdate)
        {
            second = data.AsSpan(offset, bitmapLength).ToArray();
            offset += bitmapLength;
        }
        var rows = new List<(object?[]?, object?[]?)>();
        while (offset < data.Length)
        {
            if (isWrite)
            {
                rows.Add((null, RowImageReader.Read(data, ref offset, table, first)));
            }
            else if (isUpdate)
            {
                var before = RowImageReader.Read(data, ref offset, table, first);
                var after = e.Type == 39
                    ? RowImageReader.ReadPartialAfter(data, ref offset, table, second, before)
                    : RowImageReader.Read(data, ref offset, table, second);
                rows.Add((before, after));
            }
            else
            {
                rows.Add((RowImageReader.Read(data, ref offset, table, first), null));
            }
        }
        return new DecodedRows(e.Type, table, rows);
    }

    private static ulong ReadUInt48(byte[] data, int offset) =>
        BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset)) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset + 4)) << 32);

    private static ulong ReadPacked(byte[] data, ref int offset)
    {
        var first = data[offset++];
        switch (first)
        {
            case < 251:
                return first;
            case 252:
                offset += 2;
                return BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset - 2));
            default:
                throw new InvalidDataException("Unexpected packed integer in a test fixture.");
        }
    }
}
