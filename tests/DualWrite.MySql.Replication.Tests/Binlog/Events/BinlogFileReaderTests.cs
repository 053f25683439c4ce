using DualWrite.MySql.Replication;
using DualWrite.MySql.Replication.Events;

namespace DualWrite.MySql.Replication.Tests.Binlog.Events;

public class BinlogFileReaderTests
{
    private static BinlogEventDecoder Decoder() => new(FakeRowCodec.ConsumeAll);

    [Fact]
    public void PathStreamAndSpan_ReadTheSameEvents()
    {
        var bytes = BinlogFixtures.Bytes(BinlogFixtures.ChecksumCrc32);

        var fromPath = BinlogFileReader.ReadEvents(BinlogFixtures.PathOf(BinlogFixtures.ChecksumCrc32), Decoder()).Select(e => e.Header).ToList();
        using var stream = new OneByteAtATimeStream(bytes);
        var fromStream = BinlogFileReader.ReadEvents(stream, Decoder()).Select(e => e.Header).ToList();
        var fromSpan = BinlogFileReader.ReadEvents(bytes, Decoder()).Select(e => e.Header).ToList();

        fromPath.Should().HaveCount(303);
        fromStream.Should().Equal(fromPath);
        fromSpan.Should().Equal(fromPath);
    }

    [Fact]
    public void ReadEvents_IsLazy_AndKeepsTheDecoderState()
    {
        var decoder = Decoder();

        var first = BinlogFileReader.ReadEvents(BinlogFixtures.PathOf(BinlogFixtures.Percona3), decoder).First();

        first.Should().BeOfType<FormatDescriptionEvent>();
        decoder.Format.Should().BeSameAs(first);
    }

    [Fact]
    public void BadMagic_IsCorrupt()
    {
        var bytes = BinlogFixtures.Bytes(BinlogFixtures.Percona3);
        bytes[1] = (byte)'B';

        var act = () => BinlogFileReader.ReadEvents(new MemoryStream(bytes), Decoder()).ToList();

        act.Should().Throw<BinlogException>().Where(e => e.Kind == BinlogErrorKind.BinlogCorrupt && e.Message.Contains("Not a binlog file") && e.Message.Contains("FE42696E"));
    }

    [Fact]
    public void EmptyFile_IsCorrupt()
    {
        var act = () => BinlogFileReader.ReadEvents(new MemoryStream([]), Decoder()).ToList();

        act.Should().Throw<BinlogException>().Where(e => e.Kind == BinlogErrorKind.BinlogCorrupt);
    }

    [Fact]
    public void MagicOnly_HasNoEvents() =>
        BinlogFileReader.ReadEvents(new MemoryStream([0xFE, 0x62, 0x69, 0x6E]), Decoder()).Should().BeEmpty();

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(25)]
    public void TruncatedLastEvent_IsCorrupt_AfterTheCompleteEvents(int cut)
    {
        var bytes = BinlogFixtures.Bytes(BinlogFixtures.Percona3);
        var truncated = bytes[..^cut];
        var seen = new List<BinlogEvent>();

        var act = () =>
        {
            foreach (var e in BinlogFileReader.ReadEvents(new OneByteAtATimeStream(truncated), Decoder()))
            {
                seen.Add(e);
            }
        };

        act.Should().Throw<BinlogException>().Where(e => e.Kind == BinlogErrorKind.BinlogCorrupt && e.Message.Contains("Truncated binlog file"));
        seen.Should().HaveCount(7);
        var spanAct = () => BinlogFileReader.ReadEvents(truncated, Decoder());
        spanAct.Should().Throw<BinlogException>().Where(e => e.Kind == BinlogErrorKind.BinlogCorrupt);
    }

    [Fact]
    public void EventSizeBelowTheHeader_IsCorrupt()
    {
        var bytes = BinlogFixtures.Bytes(BinlogFixtures.Percona3);
        bytes[4 + 9] = 5;
        bytes[4 + 10] = 0;

        var act = () => BinlogFileReader.ReadEvents(new MemoryStream(bytes), Decoder()).ToList();

        act.Should().Throw<BinlogException>().Where(e => e.Kind == BinlogErrorKind.BinlogCorrupt && e.Message.Contains("announces 5 byte(s)"));
    }

    [Fact]
    public void HugeEventSize_OnAnUnseekableStream_DoesNotAllocateIt()
    {
        var bytes = BinlogFixtures.Bytes(BinlogFixtures.Percona3);
        bytes[4 + 12] = 0x7F;

        var act = () => BinlogFileReader.ReadEvents(new OneByteAtATimeStream(bytes), Decoder()).ToList();

        act.Should().Throw<BinlogException>().Where(e => e.Kind == BinlogErrorKind.BinlogCorrupt && e.Message.Contains("more than any event"));
    }

    /// <summary>An unseekable stream that returns one byte per read, like a slow pipe.</summary>
    private sealed class OneByteAtATimeStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= data.Length || buffer.IsEmpty)
            {
                return 0;
            }

            buffer[0] = data[_position++];
            return 1;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
