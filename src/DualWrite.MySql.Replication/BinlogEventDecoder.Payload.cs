using System.Globalization;
using DualWrite.MySql.Replication.Decoding;
using DualWrite.MySql.Replication.Events;

namespace DualWrite.MySql.Replication;

public sealed partial class BinlogEventDecoder
{
    private const ulong CompressionZstd = 0;
    private const ulong CompressionNone = 255;

    // https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Transaction__payload__event.html:
    // type-length-value header fields (1 payload size, 2 compression type, 3 uncompressed size; 0 ends them), each
    // value a packed integer, then the payload: the transaction's events without checksums, compressed as announced.
    private TransactionPayloadEvent DecodeTransactionPayload(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        // No post-header (TRANSACTION_PAYLOAD_HEADER_LEN is 0), whatever the FDE lists for the type: MySQL 8.0 lists 40.
        var reader = new BinlogSpanReader(data, "TRANSACTION_PAYLOAD_EVENT");
        ulong? payloadSize = null;
        ulong? compression = null;
        ulong? uncompressedSize = null;
        while (true)
        {
            var field = reader.ReadPackedInteger();
            if (field == 0)
            {
                break;
            }

            var value = new BinlogSpanReader(reader.ReadBytes(reader.ReadPackedLength("field length")), "TRANSACTION_PAYLOAD_EVENT field");
            switch (field)
            {
                case 1:
                    payloadSize = value.ReadPackedInteger();
                    break;
                case 2:
                    compression = value.ReadPackedInteger();
                    break;
                case 3:
                    uncompressedSize = value.ReadPackedInteger();
                    break;
            }
        }

        var payload = reader.ReadRest();
        if (payloadSize is { } announced && announced != (ulong)payload.Length)
        {
            throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"payload size {announced}, but {payload.Length} byte(s) follow"));
        }

        byte[]? decompressed = null;
        switch (compression)
        {
            case CompressionZstd:
                if (uncompressedSize is not { } size)
                {
                    throw reader.Corrupt("no uncompressed size for a zstd payload");
                }

                if (size > (ulong)MaxTransactionPayloadSize)
                {
                    throw BinlogException.BinlogUnsupported(string.Create(CultureInfo.InvariantCulture,
                        $"TRANSACTION_PAYLOAD_EVENT too large: {Describe(header)} expands to {size} byte(s), over the limit of {MaxTransactionPayloadSize}."));
                }

                decompressed = Decompress(payload, (int)size);
                break;
            case CompressionNone or null:
                if (uncompressedSize is { } plainSize && plainSize != (ulong)payload.Length)
                {
                    throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"uncompressed size {plainSize} for a {payload.Length}-byte plain payload"));
                }

                break;
            default:
                throw BinlogException.BinlogUnsupported(string.Create(CultureInfo.InvariantCulture,
                    $"Unsupported TRANSACTION_PAYLOAD_EVENT compression type {compression} in {Describe(header)}."));
        }

        return new TransactionPayloadEvent(header, DecodeInnerEvents(decompressed ?? payload));
    }

    /// <summary>Decompresses a zstd payload that must expand to exactly <paramref name="size"/> bytes (ZstdSharp, managed).</summary>
    private static byte[] Decompress(ReadOnlySpan<byte> payload, int size)
    {
        // No size pre-check: ZstdSharp's GetDecompressedSize is only an upper bound (MySQL's streamed frames record no
        // content size), and it throws on a malformed frame. A frame larger than announced fails the exact-size buffer.
        var output = GC.AllocateUninitializedArray<byte>(size);
        int written;
        try
        {
            using var decompressor = new ZstdSharp.Decompressor();
            written = decompressor.Unwrap(payload, output);
        }
        catch (ZstdSharp.ZstdException ex)
        {
            throw BinlogException.BinlogCorrupt($"Malformed TRANSACTION_PAYLOAD_EVENT: zstd decompression failed ({ex.Message}).", ex);
        }

        if (written != size)
        {
            throw BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
                $"Malformed TRANSACTION_PAYLOAD_EVENT: the payload expanded to {written} byte(s), the event announces {size}."));
        }

        return output;
    }

    /// <summary>The events inside a payload: complete events (header, body), back to back, without checksums.</summary>
    private List<BinlogEvent> DecodeInnerEvents(ReadOnlySpan<byte> events)
    {
        var result = new List<BinlogEvent>();
        while (!events.IsEmpty)
        {
            var header = ReadHeader(events);
            if (header.EventSize > events.Length)
            {
                throw BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
                    $"Malformed TRANSACTION_PAYLOAD_EVENT: inner {Describe(header)} runs past the {events.Length} byte(s) left."));
            }

            var size = (int)header.EventSize;
            result.Add(DecodeBody(header, events[BinlogEventHeader.Size..size], insidePayload: true));
            events = events[size..];
        }

        return result;
    }
}
