using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using DualWrite.MySql.Replication.Decoding;
using DualWrite.MySql.Replication.Events;
using DualWrite.MySql.Replication.Rows;

namespace DualWrite.MySql.Replication;

/// <summary>
/// Decodes binlog events one at a time. Stateful: it keeps the last FORMAT_DESCRIPTION event (post-header lengths and
/// the checksum algorithm) and the table maps that rows events refer to. Every failure is a <see cref="BinlogException"/>
/// of kind <see cref="BinlogErrorKind.BinlogCorrupt"/> or <see cref="BinlogErrorKind.BinlogUnsupported"/>.
/// </summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_event.html</remarks>
public sealed partial class BinlogEventDecoder
{
    private const int ChecksumLength = 4;

    private readonly RowCodec _codec;
    private readonly Dictionary<ulong, TableMap> _tableMaps = [];

    /// <summary>Creates a decoder that has seen no FORMAT_DESCRIPTION event yet.</summary>
    public BinlogEventDecoder()
        : this(RowCodec.Default)
    {
    }

    internal BinlogEventDecoder(RowCodec codec)
    {
        _codec = codec;
    }

    /// <summary>The last FORMAT_DESCRIPTION event decoded, or null before the first.</summary>
    public FormatDescriptionEvent? Format { get; private set; }

    /// <summary>
    /// Whether to check each event's CRC32 when the binlog has checksums (default true). A mismatch is a
    /// <see cref="BinlogErrorKind.BinlogCorrupt"/> error naming the event and both CRCs.
    /// </summary>
    public bool VerifyChecksums { get; set; } = true;

    /// <summary>
    /// Whether events that arrive before the first FORMAT_DESCRIPTION event (the artificial ROTATE a source sends
    /// first) end with a CRC32. Null (the default) detects it: the event has one when its last four bytes are the
    /// CRC32 of the rest. A replication client that negotiated the checksum setting should set it.
    /// </summary>
    public bool? ChecksumBeforeFormat { get; set; }

    /// <summary>The largest decompressed TRANSACTION_PAYLOAD accepted, in bytes (default 1 GiB).</summary>
    public int MaxTransactionPayloadSize { get; set; } = 1 << 30;

    /// <summary>How many table maps are cached.</summary>
    public int TableMapCount => _tableMaps.Count;

    /// <summary>Looks up the table map a TABLE_MAP event registered for <paramref name="tableId"/>.</summary>
    public bool TryGetTableMap(ulong tableId, [NotNullWhen(true)] out TableMap? table) => _tableMaps.TryGetValue(tableId, out table);

    /// <summary>Forgets every table map. Call it on ROTATE and after DDL; a new FORMAT_DESCRIPTION also clears them.</summary>
    public void ClearTableMaps() => _tableMaps.Clear();

    /// <summary>Decodes one complete event: the 19-byte header, the body and, when the binlog has checksums, the CRC32.</summary>
    /// <exception cref="BinlogException">The event is malformed or its checksum does not match (BinlogCorrupt), or it
    /// cannot be decoded here (BinlogUnsupported).</exception>
    public BinlogEvent Decode(ReadOnlySpan<byte> eventBytes)
    {
        var header = ReadHeader(eventBytes);
        if (header.EventSize != eventBytes.Length)
        {
            throw BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
                $"Malformed binlog event: {Describe(header)} announces {header.EventSize} byte(s) but {eventBytes.Length} were given."));
        }

        if (header.Type == BinlogEventType.FormatDescription)
        {
            return DecodeFormatDescription(header, eventBytes);
        }

        var hasChecksum = Format?.HasChecksum ?? ChecksumBeforeFormat ?? EndsWithCrc32(eventBytes);
        var data = eventBytes[BinlogEventHeader.Size..];
        if (hasChecksum)
        {
            if (data.Length < ChecksumLength)
            {
                throw BinlogException.BinlogCorrupt($"Malformed binlog event: {Describe(header)} is too short to hold its checksum.");
            }

            if (VerifyChecksums)
            {
                VerifyCrc32(header, eventBytes);
            }

            data = data[..^ChecksumLength];
        }

        return DecodeBody(header, data, insidePayload: false);
    }

    /// <summary>Reads the common header; the bytes may be longer than it.</summary>
    internal static BinlogEventHeader ReadHeader(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < BinlogEventHeader.Size)
        {
            throw BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
                $"Malformed binlog event: {bytes.Length} byte(s) is shorter than the {BinlogEventHeader.Size}-byte header."));
        }

        var header = new BinlogEventHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            (BinlogEventType)bytes[4],
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[5..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[9..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[13..]),
            BinaryPrimitives.ReadUInt16LittleEndian(bytes[17..]));
        if (header.EventSize < BinlogEventHeader.Size)
        {
            throw BinlogException.BinlogCorrupt($"Malformed binlog event: {Describe(header)} is shorter than its header.");
        }

        return header;
    }

    private static bool EndsWithCrc32(ReadOnlySpan<byte> eventBytes) =>
        eventBytes.Length >= BinlogEventHeader.Size + ChecksumLength
        && System.IO.Hashing.Crc32.HashToUInt32(eventBytes[..^ChecksumLength]) == BinaryPrimitives.ReadUInt32LittleEndian(eventBytes[^ChecksumLength..]);

    private static void VerifyCrc32(BinlogEventHeader header, ReadOnlySpan<byte> eventBytes)
    {
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(eventBytes[^ChecksumLength..]);
        var computed = System.IO.Hashing.Crc32.HashToUInt32(eventBytes[..^ChecksumLength]);
        if (stored != computed)
        {
            throw ChecksumMismatch(header, stored, computed);
        }
    }

    private static BinlogException ChecksumMismatch(BinlogEventHeader header, uint stored, uint computed) =>
        BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
            $"Binlog event checksum mismatch: {Describe(header)}: stored CRC32 0x{stored:X8}, computed 0x{computed:X8}."));

    /// <summary>"QUERY_EVENT (2) at position 4 (next position 120)", for error messages.</summary>
    internal static string Describe(BinlogEventHeader header)
    {
        var position = header.NextPosition >= header.EventSize && header.NextPosition != 0
            ? (header.NextPosition - header.EventSize).ToString(CultureInfo.InvariantCulture)
            : "unknown";
        return string.Create(CultureInfo.InvariantCulture,
            $"event {header.Type} (type {(byte)header.Type}) at position {position} (next position {header.NextPosition}, size {header.EventSize})");
    }

    /// <summary>The post-header length the FORMAT_DESCRIPTION event gives for a type, or the usual one before it.</summary>
    private int PostHeaderLength(BinlogEventType type, int usual)
    {
        var index = (int)type - 1;
        return Format is { } format && index >= 0 && index < format.PostHeaderLengths.Count ? format.PostHeaderLengths[index] : usual;
    }

    private BinlogEvent DecodeBody(BinlogEventHeader header, ReadOnlySpan<byte> data, bool insidePayload)
    {
        switch (header.Type)
        {
            case BinlogEventType.Query:
                return DecodeQuery(header, data);
            case BinlogEventType.Stop:
                return new StopEvent(header);
            case BinlogEventType.Rotate:
                return DecodeRotate(header, data);
            case BinlogEventType.Xid:
                return DecodeXid(header, data);
            case BinlogEventType.TableMap:
                return DecodeTableMap(header, data);
            case BinlogEventType.WriteRowsV1 or BinlogEventType.UpdateRowsV1 or BinlogEventType.DeleteRowsV1
                or BinlogEventType.WriteRowsV2 or BinlogEventType.UpdateRowsV2 or BinlogEventType.DeleteRowsV2
                or BinlogEventType.PartialUpdateRows:
                return DecodeRows(header, data);
            case BinlogEventType.Incident:
                return DecodeIncident(header, data);
            case BinlogEventType.Heartbeat:
                return DecodeHeartbeat(header, data);
            case BinlogEventType.HeartbeatV2:
                return DecodeHeartbeatV2(header, data);
            case BinlogEventType.RowsQuery:
                return DecodeRowsQuery(header, data);
            case BinlogEventType.AnnotateRows:
                return DecodeAnnotateRows(header, data);
            case BinlogEventType.Gtid or BinlogEventType.AnonymousGtid:
                return DecodeMySqlGtid(header, data);
            case BinlogEventType.GtidTagged:
                return DecodeTaggedGtid(header, data);
            case BinlogEventType.PreviousGtids:
                return DecodePreviousGtids(header, data);
            case BinlogEventType.MariaDbGtid:
                return DecodeMariaDbGtid(header, data);
            case BinlogEventType.MariaDbGtidList:
                return DecodeMariaDbGtidList(header, data);
            case BinlogEventType.BinlogCheckpoint:
                return DecodeBinlogCheckpoint(header, data);
            case BinlogEventType.TransactionPayload when !insidePayload:
                return DecodeTransactionPayload(header, data);
            case BinlogEventType.TransactionPayload or BinlogEventType.FormatDescription:
                throw BinlogException.BinlogCorrupt($"Malformed TRANSACTION_PAYLOAD_EVENT: it contains {Describe(header)}.");
            case BinlogEventType.StartEncryption:
                throw BinlogException.BinlogUnsupported(
                    $"Encrypted binlog: {Describe(header)} (START_ENCRYPTION_EVENT); the events after it cannot be read without the key.");
            case BinlogEventType.PreGaWriteRows or BinlogEventType.PreGaUpdateRows or BinlogEventType.PreGaDeleteRows
                or BinlogEventType.QueryCompressed
                or >= BinlogEventType.WriteRowsCompressedV1 and <= BinlogEventType.DeleteRowsCompressed:
                throw BinlogException.BinlogUnsupported(
                    $"Unsupported binlog event: {Describe(header)} may carry changes and cannot be decoded here.");
            default:
                if (header.IsIgnorable || CarriesNoRows(header.Type))
                {
                    return new OtherEvent(header);
                }

                throw BinlogException.BinlogUnsupported(string.Create(CultureInfo.InvariantCulture,
                    $"Unknown binlog event type {(byte)header.Type}: {Describe(header)} is not marked ignorable and may carry changes."));
        }
    }

    /// <summary>Types this decoder returns as <see cref="OtherEvent"/>: statement-format helpers, LOAD DATA, group replication.</summary>
    private static bool CarriesNoRows(BinlogEventType type) => (byte)type switch
    {
        1 or (>= 5 and <= 14) or 17 or 18 or 28 or 36 or 37 or 38 => true,
        _ => false,
    };

    /// <summary>
    /// What a table-map or row-image decoder raised on malformed input, as BinlogCorrupt: callers only ever see the
    /// two binlog error kinds.
    /// </summary>
    private static BinlogException DecoderFailure(BinlogEventHeader header, Exception ex) =>
        BinlogException.BinlogCorrupt($"Malformed binlog event: {Describe(header)}: {ex.Message}", ex);

    /// <summary>Exceptions of the row decoders that mean malformed input (anything else, such as a missing implementation, is a bug and propagates).</summary>
    private static bool IsDecoderFailure(Exception ex) =>
        ex is IndexOutOfRangeException or ArgumentException or OverflowException or InvalidOperationException or FormatException
            or BinlogException { Kind: not (BinlogErrorKind.BinlogCorrupt or BinlogErrorKind.BinlogUnsupported) };
}
