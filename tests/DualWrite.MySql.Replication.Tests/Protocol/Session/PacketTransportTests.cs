using DualWrite.MySql.Replication.Protocol.Serialization;

namespace DualWrite.MySql.Replication.Tests.Protocol.Session;

/// <summary>Packet framing: https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_packets.html</summary>
public sealed class PacketTransportTests
{
    private const int Max = 0xFFFFFF;

    private static byte[] Filled(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public async Task Read_PacketsArrivingInPieces_AreReassembledInOrder(int chunk)
    {
        var first = Filled(300, 1);
        var second = Filled(5, 2);
        var transport = new PacketTransport(new ChunkedStream(ChunkedStream.Packets(0, first, second, []), chunk));

        (await transport.ReadPayloadAsync(default)).ToArray().Should().Equal(first);
        (await transport.ReadPayloadAsync(default)).ToArray().Should().Equal(second);
        (await transport.ReadPayloadAsync(default)).Length.Should().Be(0);
        transport.Sequence.Should().Be(3);
    }

    [Fact]
    public async Task Read_UnexpectedSequenceId_ThrowsProtocolErrorAndBreaksTheTransport()
    {
        var transport = new PacketTransport(new ChunkedStream(ChunkedStream.Packets(5, [1, 2, 3]), 64));

        var error = (await transport.Invoking(t => t.ReadPayloadAsync(default).AsTask()).Should().ThrowAsync<BinlogException>()).Which;

        error.Kind.Should().Be(BinlogErrorKind.Protocol);
        error.Message.Should().Contain("expected sequence id 0, received 5");
        transport.IsBroken.Should().BeTrue();
    }

    [Fact]
    public async Task Read_StreamEndsInsidePacket_ThrowsConnectionLost()
    {
        var packets = ChunkedStream.Packets(0, Filled(100, 3));
        var transport = new PacketTransport(new ChunkedStream(packets[..50], 16));

        var error = (await transport.Invoking(t => t.ReadPayloadAsync(default).AsTask()).Should().ThrowAsync<BinlogException>()).Which;

        error.Kind.Should().Be(BinlogErrorKind.ConnectionLost);
        error.Number.Should().Be(2013);
    }

    [Fact]
    public async Task Read_PayloadLargerThan16MiB_JoinsContinuationPackets()
    {
        var payload = Filled(Max + 1000, 4);
        var transport = new PacketTransport(new ChunkedStream(ChunkedStream.Packets(0, payload[..Max], payload[Max..], [9]), 1 << 20));

        (await transport.ReadPayloadAsync(default)).ToArray().Should().Equal(payload);
        (await transport.ReadPayloadAsync(default)).ToArray().Should().Equal(new byte[] { 9 });
    }

    [Fact]
    public async Task Read_PayloadExactlyTheMaximum_EndsWithAnEmptyPacket()
    {
        var payload = Filled(Max, 5);
        var transport = new PacketTransport(new ChunkedStream(ChunkedStream.Packets(0, payload, []), 1 << 20));

        (await transport.ReadPayloadAsync(default)).Length.Should().Be(Max);
        transport.Sequence.Should().Be(2);
    }

    [Fact]
    public async Task Write_SmallPayload_OnePacketWithHeader()
    {
        var stream = new ChunkedStream([], 1);
        var transport = new PacketTransport(stream);
        var writer = new PayloadWriter();
        writer.Write([0x03, (byte)'S']);

        await transport.WritePayloadAsync(writer, default);

        stream.Written.ToArray().Should().Equal(new byte[] { 2, 0, 0, 0, 0x03, (byte)'S' });
    }

    [Theory]
    [InlineData(Max + 5, 2)]
    [InlineData(Max, 2)]
    [InlineData(2 * Max, 3)]
    public async Task Write_LargePayload_SplitsIntoMaximumPacketsThenAShorterOne(int length, int expectedPackets)
    {
        var stream = new ChunkedStream([], 1);
        var transport = new PacketTransport(stream);
        var payload = Filled(length, 6);
        var writer = new PayloadWriter();
        writer.Write(payload);

        await transport.WritePayloadAsync(writer, default);

        // Read back what was written through a second transport: the same payload, the same packet count.
        var reader = new PacketTransport(new ChunkedStream(stream.Written.ToArray(), 1 << 20));
        (await reader.ReadPayloadAsync(default)).ToArray().Should().Equal(payload);
        reader.Sequence.Should().Be((byte)expectedPackets);
        transport.Sequence.Should().Be((byte)expectedPackets);
    }

    [Fact]
    public async Task Sequence_WrapsAfter255()
    {
        var payloads = Enumerable.Range(0, 300).Select(i => new[] { (byte)i }).ToArray();
        var transport = new PacketTransport(new ChunkedStream(ChunkedStream.Packets(0, payloads), 1000));

        for (var i = 0; i < 300; i++)
        {
            (await transport.ReadPayloadAsync(default)).Span[0].Should().Be((byte)i);
        }

        transport.Sequence.Should().Be(300 % 256);
    }
}
