using System.Buffers.Binary;
using System.Text;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Tests.Binlog.Events;

public class Crc32Tests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("abc", 0x352441C2u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Compute_KnownVectors(string text, uint expected) =>
        Crc32.Compute(Encoding.ASCII.GetBytes(text)).Should().Be(expected);

    [Fact]
    public void Compute_ThirtyTwoZeroBytes_IsTheKnownValue() =>
        Crc32.Compute(new byte[32]).Should().Be(0x190A55ADu);

    [Fact]
    public void Compute_MatchesBitwiseReference_ForEveryLengthAndAlignment()
    {
        var random = new Random(1234);
        var data = new byte[300];
        random.NextBytes(data);
        for (var start = 0; start < 9; start++)
        {
            for (var length = 0; length < data.Length - start; length += 7)
            {
                var slice = data.AsSpan(start, length);
                Crc32.Compute(slice).Should().Be(Reference(slice), $"start {start}, length {length}");
            }
        }
    }

    [Fact]
    public void Append_InPieces_EqualsOneShot()
    {
        var data = Encoding.ASCII.GetBytes("123456789 and some more bytes to cross the 8-byte blocks");
        for (var split = 0; split <= data.Length; split++)
        {
            Crc32.Append(Crc32.Compute(data.AsSpan(0, split)), data.AsSpan(split)).Should().Be(Crc32.Compute(data));
        }
    }

    [Fact]
    public void Compute_MatchesTheStoredChecksum_OfEveryRecordedEvent()
    {
        var checkedEvents = 0;
        foreach (var file in BinlogFixtures.ChecksummedFiles)
        {
            foreach (var e in BinlogFixtures.Events(file))
            {
                // A FORMAT_DESCRIPTION event's CRC is taken with the binlog-in-use flag (set in files copied from a running server) clear.
                e[17] &= e[4] == (byte)BinlogEventType.FormatDescription ? (byte)0xFE : (byte)0xFF;
                Crc32.Compute(e.AsSpan(0, e.Length - 4)).Should().Be(BinaryPrimitives.ReadUInt32LittleEndian(e.AsSpan(e.Length - 4)), file);
                checkedEvents++;
            }
        }

        foreach (var e in BinlogFixtures.ZongjiEvents())
        {
            Crc32.Compute(e.AsSpan(0, e.Length - 4)).Should().Be(BinaryPrimitives.ReadUInt32LittleEndian(e.AsSpan(e.Length - 4)));
            checkedEvents++;
        }

        checkedEvents.Should().BeGreaterThan(900);
    }

    private static uint Reference(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
