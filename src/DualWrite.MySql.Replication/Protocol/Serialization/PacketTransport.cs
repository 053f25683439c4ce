using System.Net.Sockets;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Protocol.Serialization;

/// <summary>
/// Frames payloads into packets and back: a 3-byte length, a 1-byte sequence id, and payloads of
/// 16 MiB − 1 bytes or more split across several packets.
/// </summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_packets.html</remarks>
internal sealed class PacketTransport : IAsyncDisposable
{
    public const int MaxPacketPayload = 0xFFFFFF;
    private const int InitialBufferSize = 256 * 1024;

    private Stream _stream;
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _start;
    private int _end;
    private byte[]? _largePayload;
    private readonly byte[] _header = new byte[PayloadWriter.HeaderSize];
    private bool _broken;

    public PacketTransport(Stream stream) => _stream = stream;

    /// <summary>The sequence id the next packet (in either direction) must carry.</summary>
    public byte Sequence { get; private set; }

    public bool IsBroken => _broken;

    /// <summary>Bytes received and not yet consumed.</summary>
    public int BufferedBytes => _end - _start;

    public void ResetSequence() => Sequence = 0;

    /// <summary>Swaps the underlying stream (after a TLS upgrade). Nothing may be buffered.</summary>
    public void ReplaceStream(Stream stream)
    {
        if (_end != _start)
        {
            throw BinlogException.Protocol("The server sent data before the TLS handshake.");
        }

        _stream = stream;
    }

    /// <summary>
    /// Reads the next payload. The returned memory stays valid until the next read; a payload that
    /// is already buffered completes synchronously without allocating.
    /// </summary>
    public ValueTask<ReadOnlyMemory<byte>> ReadPayloadAsync(CancellationToken cancellationToken)
    {
        if (_end - _start >= 4)
        {
            var length = _buffer[_start] | (_buffer[_start + 1] << 8) | (_buffer[_start + 2] << 16);
            if (length < MaxPacketPayload && _end - _start >= 4 + length)
            {
                CheckSequence(_buffer[_start + 3]);
                var payload = new ReadOnlyMemory<byte>(_buffer, _start + 4, length);
                _start += 4 + length;
                return new ValueTask<ReadOnlyMemory<byte>>(payload);
            }
        }

        return ReadPayloadSlowAsync(cancellationToken);
    }

    private async ValueTask<ReadOnlyMemory<byte>> ReadPayloadSlowAsync(CancellationToken cancellationToken)
    {
        var length = await ReadPacketIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        if (length < MaxPacketPayload)
        {
            var payload = new ReadOnlyMemory<byte>(_buffer, _start + 4, length);
            _start += 4 + length;
            return payload;
        }

        // A payload of 16 MiB - 1 or more continues in the following packets until one is shorter.
        var total = 0;
        while (true)
        {
            EnsureLargeCapacity(total + length);
            Buffer.BlockCopy(_buffer, _start + 4, _largePayload!, total, length);
            total += length;
            _start += 4 + length;
            if (length < MaxPacketPayload)
            {
                return new ReadOnlyMemory<byte>(_largePayload, 0, total);
            }

            length = await ReadPacketIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void EnsureLargeCapacity(int needed)
    {
        if (_largePayload is null || _largePayload.Length < needed)
        {
            var size = Math.Max(needed, _largePayload is null ? MaxPacketPayload * 2 : _largePayload.Length * 2);
            var larger = new byte[Math.Min(size, Array.MaxLength)];
            if (_largePayload is not null)
            {
                Buffer.BlockCopy(_largePayload, 0, larger, 0, _largePayload.Length);
            }

            _largePayload = larger;
        }
    }

    /// <summary>Ensures one whole packet is buffered at _start; returns its payload length.</summary>
    private async ValueTask<int> ReadPacketIntoBufferAsync(CancellationToken cancellationToken)
    {
        await FillAsync(4, cancellationToken).ConfigureAwait(false);
        var length = _buffer[_start] | (_buffer[_start + 1] << 8) | (_buffer[_start + 2] << 16);
        CheckSequence(_buffer[_start + 3]);
        await FillAsync(4 + length, cancellationToken).ConfigureAwait(false);
        return length;
    }

    private async ValueTask FillAsync(int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count)
        {
            return;
        }

        if (_buffer.Length - _start < count)
        {
            if (count > _buffer.Length)
            {
                var larger = new byte[Math.Max(count, _buffer.Length * 2)];
                Buffer.BlockCopy(_buffer, _start, larger, 0, _end - _start);
                _buffer = larger;
            }
            else
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            }

            _end -= _start;
            _start = 0;
        }
        else if (_start == _end)
        {
            _start = _end = 0;
        }

        while (_end - _start < count)
        {
            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsIoFailure(ex))
            {
                throw Lost(ex);
            }

            if (read == 0)
            {
                throw Lost(null);
            }

            _end += read;
        }
    }

    private void CheckSequence(byte received)
    {
        if (received != Sequence)
        {
            _broken = true;
            throw BinlogException.Protocol($"Packet out of order: expected sequence id {Sequence}, received {received}.");
        }

        Sequence++;
    }

    /// <summary>Sends one payload built in <paramref name="writer"/>, splitting it when it is 16 MiB or larger.</summary>
    public async ValueTask WritePayloadAsync(PayloadWriter writer, CancellationToken cancellationToken)
    {
        var packet = writer.PacketBuffer;
        var length = writer.Length;
        try
        {
            if (length < MaxPacketPayload)
            {
                WriteHeader(packet.Array!, length);
                await _stream.WriteAsync(packet.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await WriteSplitAsync(packet.AsMemory(PayloadWriter.HeaderSize), cancellationToken).ConfigureAwait(false);
            }

            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsIoFailure(ex))
        {
            throw Lost(ex);
        }
    }

    private async ValueTask WriteSplitAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var offset = 0;
        while (true)
        {
            var chunk = Math.Min(MaxPacketPayload, payload.Length - offset);
            WriteHeader(_header, chunk);
            await _stream.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
            await _stream.WriteAsync(payload.Slice(offset, chunk), cancellationToken).ConfigureAwait(false);
            offset += chunk;
            // A payload that is an exact multiple of the maximum ends with an empty packet.
            if (chunk < MaxPacketPayload)
            {
                return;
            }
        }
    }

    private void WriteHeader(byte[] target, int length)
    {
        target[0] = (byte)length;
        target[1] = (byte)(length >> 8);
        target[2] = (byte)(length >> 16);
        target[3] = Sequence++;
    }

    private static bool IsIoFailure(Exception ex) => ex is IOException or SocketException or ObjectDisposedException;

    private BinlogException Lost(Exception? inner)
    {
        _broken = true;
        var reason = inner switch
        {
            null => "the server closed the connection",
            SocketException se => se.SocketErrorCode.ToString(),
            IOException { InnerException: SocketException se } => se.SocketErrorCode.ToString(),
            _ => inner.Message,
        };
        return new BinlogException(BinlogErrorKind.ConnectionLost, ClientErrors.ServerLost, "08S01",
            $"Lost connection to the MySQL server: {reason}.", inner);
    }

    public void MarkBroken() => _broken = true;

    public async ValueTask DisposeAsync()
    {
        _broken = true;
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
