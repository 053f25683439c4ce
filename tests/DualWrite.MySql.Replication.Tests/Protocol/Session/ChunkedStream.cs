namespace DualWrite.MySql.Replication.Tests.Protocol.Session;

/// <summary>A stream that serves its input a few bytes per read (as a socket may) and records what is written.</summary>
internal sealed class ChunkedStream(byte[] input, int chunk) : Stream
{
    private int _position;

    public MemoryStream Written { get; } = new();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = Math.Min(Math.Min(count, chunk), input.Length - _position);
        Array.Copy(input, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = Math.Min(Math.Min(buffer.Length, chunk), input.Length - _position);
        input.AsSpan(_position, n).CopyTo(buffer.Span);
        _position += n;
        return new ValueTask<int>(n);
    }

    public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Written.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Frames payloads as packets with consecutive sequence ids starting at <paramref name="firstSequence"/>.</summary>
    public static byte[] Packets(byte firstSequence, params byte[][] payloads)
    {
        var output = new MemoryStream();
        var sequence = firstSequence;
        foreach (var payload in payloads)
        {
            output.Write([(byte)payload.Length, (byte)(payload.Length >> 8), (byte)(payload.Length >> 16), sequence++]);
            output.Write(payload);
        }

        return output.ToArray();
    }
}
