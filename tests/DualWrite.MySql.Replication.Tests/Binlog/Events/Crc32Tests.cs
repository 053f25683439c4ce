using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using DualWrite.MySql.Replication;
using DualWrite.MySql.Replication.Events;

namespace DualWrite.MySql.Replication.Tests.Binlog.Events;

/// <summary>
/// The binlog's CRC32 (the ISO-HDLC polynomial MySQL uses, here System.IO.Hashing's), the FORMAT_DESCRIPTION rule
/// that leaves LOG_EVENT_BINLOG_IN_USE_F out of the checksum, and damage found by the check.
/// </summary>
public class Crc32Tests
{
    private const int FlagsOffset = 17;
    private const byte BinlogInUse = 0x01;

    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("abc", 0x352441C2u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Crc32_KnownVectors(string text, uint expected) =>
        Crc32.HashToUInt32(Encoding.ASCII.GetBytes(text)).Should().Be(expected);

    [Fact]
    public void Crc32_ThirtyTwoZeroBytes_IsTheKnownValue() =>
        Crc32.HashToUInt32(new byte[32]).Should().Be(0x190A55ADu);

    [Fact]
    public void StoredChecksum_OfEveryRecordedEvent_IsTheCrc32TheDecoderComputes()
    {
        var checkedEvents = 0;
        foreach (var file in BinlogFixtures.ChecksummedFiles)
        {
            foreach (var e in BinlogFixtures.Events(file))
            {
                var body = e.AsSpan(0, e.Length - 4);
                var computed = e[4] == (byte)BinlogEventType.FormatDescription ? BinlogEventDecoder.FormatDescriptionCrc32(body) : Crc32.HashToUInt32(body);
                computed.Should().Be(BinaryPrimitives.ReadUInt32LittleEndian(e.AsSpan(e.Length - 4)), file);
                checkedEvents++;
            }
        }

        foreach (var e in BinlogFixtures.ZongjiEvents())
        {
            Crc32.HashToUInt32(e.AsSpan(0, e.Length - 4)).Should().Be(BinaryPrimitives.ReadUInt32LittleEndian(e.AsSpan(e.Length - 4)));
            checkedEvents++;
        }

        checkedEvents.Should().BeGreaterThan(900);
    }

    [Fact]
    public void FormatDescriptionCrc32_IsTakenAsIfTheBinlogInUseFlagWereClear()
    {
        var format = (byte[])EventBuilder.Crc32Format.Clone();
        format[FlagsOffset] &= unchecked((byte)~BinlogInUse);
        var clear = format.AsSpan(0, format.Length - 4).ToArray();
        var inUse = (byte[])clear.Clone();
        inUse[FlagsOffset] |= BinlogInUse;

        BinlogEventDecoder.FormatDescriptionCrc32(inUse).Should().Be(Crc32.HashToUInt32(clear));
        BinlogEventDecoder.FormatDescriptionCrc32(clear).Should().Be(Crc32.HashToUInt32(clear));
        Crc32.HashToUInt32(inUse).Should().NotBe(Crc32.HashToUInt32(clear), "only the FDE rule ignores the flag");
    }

    [Fact]
    public void FormatDescriptionCrc32_CountsEveryOtherFlagBit()
    {
        var body = EventBuilder.Crc32Format.AsSpan(0, EventBuilder.Crc32Format.Length - 4).ToArray();
        var other = (byte[])body.Clone();
        other[FlagsOffset] ^= 0x02;

        BinlogEventDecoder.FormatDescriptionCrc32(other).Should().NotBe(BinlogEventDecoder.FormatDescriptionCrc32(body));
    }

    [Fact]
    public void FormatDescription_WithTheBinlogInUseFlagSet_DecodesWithChecksumsVerified()
    {
        // As in a file copied from a running server: the flag is set and the stored CRC was computed without it.
        var format = (byte[])EventBuilder.Crc32Format.Clone();
        format[FlagsOffset] |= BinlogInUse;
        var decoder = new BinlogEventDecoder(FakeRowCodec.ConsumeAll) { VerifyChecksums = true };

        decoder.Decode(format).Should().BeOfType<FormatDescriptionEvent>().Which.HasChecksum.Should().BeTrue();
    }

    [Theory]
    [InlineData(FlagsOffset + 1)] // the high byte of the flags
    [InlineData(19)] // the binlog version
    [InlineData(80)] // a post-header length
    [InlineData(-5)] // the checksum algorithm byte
    public void FormatDescription_AnyOtherCorruptedByte_IsBinlogCorrupt(int position)
    {
        var format = (byte[])EventBuilder.Crc32Format.Clone();
        format[position < 0 ? format.Length + position : position] ^= 0x40;
        var decoder = new BinlogEventDecoder(FakeRowCodec.ConsumeAll) { VerifyChecksums = true };

        var act = () => decoder.Decode(format);

        act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }

    [Fact]
    public void Event_WithOneCorruptedByte_IsBinlogCorruptNamingBothChecksums()
    {
        var decoder = new BinlogEventDecoder(FakeRowCodec.ConsumeAll) { VerifyChecksums = true };
        decoder.Decode(EventBuilder.Crc32Format);
        var query = EventBuilder.Event(BinlogEventType.Query, QueryBody("BEGIN"));
        decoder.Decode(query).Should().BeOfType<QueryEvent>();

        var damaged = (byte[])query.Clone();
        damaged[^10] ^= 0x01;
        var act = () => decoder.Decode(damaged);

        var error = act.Should().Throw<BinlogException>().Which;
        error.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
        error.Message.Should().Contain("checksum mismatch")
            .And.Contain($"0x{BinaryPrimitives.ReadUInt32LittleEndian(query.AsSpan(query.Length - 4)):X8}")
            .And.Contain($"0x{Crc32.HashToUInt32(damaged.AsSpan(0, damaged.Length - 4)):X8}");
    }

    /// <summary>A QUERY_EVENT body (post-header 13): thread id, time, schema length, error code, no status variables, schema "db".</summary>
    private static byte[] QueryBody(string sql) =>
        EventBuilder.Concat(EventBuilder.U32(1), EventBuilder.U32(0), [2], EventBuilder.U16(0), EventBuilder.U16(0), "db"u8.ToArray(), [0], Encoding.UTF8.GetBytes(sql));
}
