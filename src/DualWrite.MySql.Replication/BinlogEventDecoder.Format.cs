using System.Buffers.Binary;
using System.Globalization;
using DualWrite.MySql.Replication.Decoding;
using DualWrite.MySql.Replication.Events;

namespace DualWrite.MySql.Replication;

public sealed partial class BinlogEventDecoder
{
    private const int ServerVersionLength = 50;

    // binlog version (2) + server version (50) + create timestamp (4) + header length (1)
    private const int FormatFixedLength = 2 + ServerVersionLength + 4 + 1;

    // checksum algorithm (1) + CRC32 (4), present in the FDE of every server that knows binlog checksums
    private const int FormatFooterLength = 1 + ChecksumLength;

    private const byte ChecksumOff = 0;
    private const byte ChecksumCrc32 = 1;
    private const byte ChecksumUndefined = 255;

    // https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Format__description__event.html
    // and https://mariadb.com/kb/en/format_description_event/. Servers from MySQL 5.6.1 and MariaDB 5.3 end the FDE
    // with the checksum algorithm byte and a CRC32 that they write whatever binlog_checksum is (with NONE too), so the
    // FDE of such a server can always be verified. Older servers wrote neither; their binlogs are not supported, which
    // also keeps a corrupted version string from silently switching verification off.
    private FormatDescriptionEvent DecodeFormatDescription(BinlogEventHeader header, ReadOnlySpan<byte> eventBytes)
    {
        var body = eventBytes[BinlogEventHeader.Size..];
        if (body.Length < FormatFixedLength + FormatFooterLength)
        {
            throw BinlogException.BinlogCorrupt($"Malformed FORMAT_DESCRIPTION_EVENT: {Describe(header)} is too short.");
        }

        var versionField = body.Slice(2, ServerVersionLength);
        var nul = versionField.IndexOf((byte)0);
        var serverVersion = BinlogSpanReader.Decode(nul < 0 ? versionField : versionField[..nul]);
        var writesChecksum = WritesChecksumFooter(serverVersion, out var versionUnreadable);

        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(eventBytes[^ChecksumLength..]);
        var computedCrc = FormatDescriptionCrc32(eventBytes[..^ChecksumLength]);
        if (!writesChecksum && storedCrc != computedCrc)
        {
            // A server that predates checksums, or a damaged version string: either way nothing can be verified.
            throw versionUnreadable
                ? BinlogException.BinlogCorrupt($"Malformed FORMAT_DESCRIPTION_EVENT: unreadable server version '{serverVersion}' in {Describe(header)}.")
                : BinlogException.BinlogUnsupported(
                    $"Unsupported binlog: written by server '{serverVersion}', which predates binlog checksums (MySQL 5.6.1, MariaDB 5.3).");
        }

        // Past this point the FDE has the footer: a version that merely looks old is accepted when the CRC proves it.
        var algorithm = body[^FormatFooterLength];
        if (VerifyChecksums && storedCrc != computedCrc && !(algorithm is ChecksumOff or ChecksumUndefined && storedCrc == 0))
        {
            throw ChecksumMismatch(header, storedCrc, computedCrc);
        }

        var reader = new BinlogSpanReader(body[..^FormatFooterLength], "FORMAT_DESCRIPTION_EVENT");
        var binlogVersion = reader.ReadUInt16();
        reader.Skip(ServerVersionLength);
        var created = reader.ReadUInt32();
        var headerLength = reader.ReadByte();
        var postHeaderLengths = reader.ReadRest().ToArray();
        if (binlogVersion != 4)
        {
            throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"binlog version {binlogVersion} (a FORMAT_DESCRIPTION_EVENT is version 4)"));
        }

        if (headerLength != BinlogEventHeader.Size)
        {
            throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"common header length {headerLength} (expected {BinlogEventHeader.Size})"));
        }

        var hasChecksum = algorithm switch
        {
            ChecksumCrc32 => true,
            ChecksumOff or ChecksumUndefined => false,
            _ => throw BinlogException.BinlogUnsupported(string.Create(CultureInfo.InvariantCulture,
                $"Unsupported binlog checksum algorithm {algorithm} in {Describe(header)}.")),
        };

        var format = new FormatDescriptionEvent(header, binlogVersion, serverVersion, created, headerLength, postHeaderLengths, hasChecksum);
        Format = format;
        ClearTableMaps();
        return format;
    }

    /// <summary>
    /// The FDE's CRC32 is computed as if LOG_EVENT_BINLOG_IN_USE_F (0x1) were clear: the server sets that flag in the
    /// file while the binlog is open and clears it on close without rewriting the checksum.
    /// </summary>
    /// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Log__event__footer.html (event_checksum_test)</remarks>
    internal static uint FormatDescriptionCrc32(ReadOnlySpan<byte> eventWithoutChecksum)
    {
        const int flagsOffset = 17;
        const byte binlogInUse = 0x01;
        var crc = new System.IO.Hashing.Crc32();
        crc.Append(eventWithoutChecksum[..flagsOffset]);
        crc.Append([(byte)(eventWithoutChecksum[flagsOffset] & ~binlogInUse)]);
        crc.Append(eventWithoutChecksum[(flagsOffset + 1)..]);
        return crc.GetCurrentHashAsUInt32();
    }

    /// <summary>Whether a server of this version ends its FDE with the checksum algorithm and a CRC32.</summary>
    internal static bool WritesChecksumFooter(string serverVersion, out bool unreadable)
    {
        unreadable = false;
        Span<int> parts = stackalloc int[3];
        var partCount = 0;
        var current = -1;
        foreach (var c in serverVersion)
        {
            if (c is >= '0' and <= '9')
            {
                if (current == 0)
                {
                    // No server writes a number with a leading zero ("00.11.19"): the string is damaged.
                    unreadable = true;
                    return false;
                }

                current = current < 0 ? c - '0' : Math.Min((current * 10) + (c - '0'), 100_000);
                continue;
            }

            if (current < 0 || partCount == 2 || c != '.')
            {
                break;
            }

            parts[partCount++] = current;
            current = -1;
        }

        if (current >= 0 && partCount < 3)
        {
            parts[partCount++] = current;
        }

        if (partCount < 2)
        {
            unreadable = true;
            return false;
        }

        var (major, minor, patch) = (parts[0], parts[1], partCount > 2 ? parts[2] : 0);
        if (major == 0)
        {
            unreadable = true;
            return false;
        }

        return serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase)
            ? major > 5 || (major == 5 && minor >= 3)
            : major > 5 || (major == 5 && (minor > 6 || (minor == 6 && patch >= 1)));
    }
}
