using System.Buffers.Binary;
using System.Globalization;
using DualWrite.MySql.Replication.Events;

namespace DualWrite.MySql.Replication;

/// <summary>Reads a binlog file: the magic bytes FE 62 69 6E ("\xFEbin"), then events back to back.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_event.html</remarks>
public static class BinlogFileReader
{
    // max_allowed_packet cannot exceed 1 GiB, so no replicated event is larger.
    private const long MaxUnseekableEventSize = 1L << 30;

    /// <summary>The four bytes every binlog file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => [0xFE, 0x62, 0x69, 0x6E];

    /// <summary>Decodes the events of a binlog file in order.</summary>
    /// <param name="path">The file.</param>
    /// <param name="decoder">The decoder to use (a new one when null); it keeps the file's format and table maps.</param>
    /// <exception cref="BinlogException">A bad magic number or a truncated event (BinlogCorrupt), or an event the decoder
    /// rejects.</exception>
    public static IEnumerable<BinlogEvent> ReadEvents(string path, BinlogEventDecoder? decoder = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadFile(path, decoder ?? new BinlogEventDecoder());
    }

    /// <summary>Decodes the events of a binlog file from a stream positioned at its magic number.</summary>
    /// <param name="stream">The stream; it is read to its end and not disposed.</param>
    /// <param name="decoder">The decoder to use (a new one when null).</param>
    public static IEnumerable<BinlogEvent> ReadEvents(Stream stream, BinlogEventDecoder? decoder = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadStream(stream, decoder ?? new BinlogEventDecoder());
    }

    /// <summary>Decodes the events of a binlog file held in memory.</summary>
    public static IReadOnlyList<BinlogEvent> ReadEvents(ReadOnlySpan<byte> file, BinlogEventDecoder? decoder = null)
    {
        decoder ??= new BinlogEventDecoder();
        CheckMagic(file);
        var events = new List<BinlogEvent>();
        var position = Magic.Length;
        while (position < file.Length)
        {
            var size = EventSize(file[position..], position, file.Length - position);
            if (position == Magic.Length)
            {
                CheckFirstEvent(file[position..]);
            }

            events.Add(decoder.Decode(file.Slice(position, size)));
            position += size;
        }

        return events;
    }

    private static IEnumerable<BinlogEvent> ReadFile(string path, BinlogEventDecoder decoder)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        foreach (var e in ReadStream(stream, decoder))
        {
            yield return e;
        }
    }

    private static IEnumerable<BinlogEvent> ReadStream(Stream stream, BinlogEventDecoder decoder)
    {
        var header = new byte[BinlogEventHeader.Size];
        if (ReadFully(stream, header.AsSpan(0, Magic.Length)) != Magic.Length)
        {
            throw BinlogException.BinlogCorrupt("Not a binlog file: it is shorter than the 4-byte magic number.");
        }

        CheckMagic(header);
        long position = Magic.Length;
        var buffer = new byte[1 << 16];
        while (true)
        {
            var got = ReadFully(stream, header);
            if (got == 0)
            {
                yield break;
            }

            if (got < header.Length)
            {
                throw Truncated(position, $"{got} byte(s) of a {BinlogEventHeader.Size}-byte event header");
            }

            long? left = stream.CanSeek ? stream.Length - position : null;
            var size = EventSize(header, position, left);
            if (left is null && size > MaxUnseekableEventSize)
            {
                // Without a length to check against, a damaged size must not make the reader allocate gigabytes.
                throw BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
                    $"Malformed binlog file: the event at position {position} announces {size} byte(s), more than any event can hold."));
            }
            if (buffer.Length < size)
            {
                buffer = new byte[Math.Max(size, buffer.Length * 2)];
            }

            if (position == Magic.Length)
            {
                CheckFirstEvent(header);
            }

            header.CopyTo(buffer, 0);
            var body = ReadFully(stream, buffer.AsSpan(BinlogEventHeader.Size, size - BinlogEventHeader.Size));
            if (body < size - BinlogEventHeader.Size)
            {
                throw Truncated(position, $"{BinlogEventHeader.Size + body} of its {size} byte(s)");
            }

            yield return decoder.Decode(buffer.AsSpan(0, size));
            position += size;
        }
    }

    /// <summary>
    /// A binlog file (version 4) starts with its FORMAT_DESCRIPTION_EVENT, which says how every later event is checksummed;
    /// a first event of another type is a damaged file, not one to read without verifying anything.
    /// </summary>
    private static void CheckFirstEvent(ReadOnlySpan<byte> header)
    {
        const int typeOffset = 4;
        if (header[typeOffset] != (byte)BinlogEventType.FormatDescription)
        {
            throw BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
                $"Malformed binlog file: its first event (position {Magic.Length}) has type {header[typeOffset]}, not FORMAT_DESCRIPTION_EVENT ({(byte)BinlogEventType.FormatDescription})."));
        }
    }

    private static void CheckMagic(ReadOnlySpan<byte> file)
    {
        if (file.Length < Magic.Length || !file[..Magic.Length].SequenceEqual(Magic))
        {
            throw BinlogException.BinlogCorrupt(
                $"Not a binlog file: it starts with {Convert.ToHexString(file[..Math.Min(file.Length, Magic.Length)])}, not FE62696E.");
        }
    }

    /// <summary>The size the header at <paramref name="position"/> announces, checked against what is left.</summary>
    private static int EventSize(ReadOnlySpan<byte> header, long position, long? left)
    {
        if (header.Length < BinlogEventHeader.Size)
        {
            throw Truncated(position, $"{header.Length} byte(s) of a {BinlogEventHeader.Size}-byte event header");
        }

        var size = BinaryPrimitives.ReadUInt32LittleEndian(header[9..]);
        if (size < BinlogEventHeader.Size || size > int.MaxValue)
        {
            throw BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
                $"Malformed binlog file: the event at position {position} announces {size} byte(s)."));
        }

        if (left is { } l && size > l)
        {
            throw Truncated(position, $"{l} of its {size} byte(s)");
        }

        return (int)size;
    }

    private static BinlogException Truncated(long position, string detail) =>
        BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
            $"Truncated binlog file: the event at position {position} has only {detail}."));

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
