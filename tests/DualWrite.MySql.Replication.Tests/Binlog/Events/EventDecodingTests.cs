using System.Text;
using DualWrite.MySql.Replication;
using DualWrite.MySql.Replication.Events;
using static DualWrite.MySql.Replication.Tests.Binlog.Events.EventBuilder;

namespace DualWrite.MySql.Replication.Tests.Binlog.Events;

/// <summary>Hand-built events of each kind, checksum handling, and the unknown / unsupported event rules.</summary>
public class EventDecodingTests
{
    private static BinlogEventDecoder MySql84()
    {
        var decoder = new BinlogEventDecoder(FakeRowCodec.LengthPrefixed);
        decoder.Decode(Crc32Format);
        return decoder;
    }

    private static BinlogEventDecoder MariaDb()
    {
        var decoder = new BinlogEventDecoder(FakeRowCodec.LengthPrefixed);
        decoder.Decode(MariaDbFormat);
        return decoder;
    }

    private static BinlogException Fails(BinlogEventDecoder decoder, byte[] e, BinlogErrorKind kind)
    {
        var act = () => decoder.Decode(e);
        return act.Should().Throw<BinlogException>().Where(x => x.Kind == kind).Which;
    }

    [Fact]
    public void Query_SkipsStatusVariables_ReadsSchemaAndStatement()
    {
        var body = Concat(U32(42), U32(3), [4], U16(1146), U16(5), [1, 2, 3, 4, 5], "shop"u8.ToArray(), [0], "DROP TABLE x"u8.ToArray());

        var query = (QueryEvent)MySql84().Decode(Event(BinlogEventType.Query, body));

        (query.ThreadId, query.ExecutionSeconds, query.ErrorCode).Should().Be((42u, 3u, (ushort)1146));
        query.Schema.Should().Be("shop");
        query.Sql.Should().Be("DROP TABLE x");
    }

    [Fact]
    public void Query_WithStatusLengthPastTheEnd_IsCorrupt()
    {
        var body = Concat(U32(1), U32(0), [0], U16(0), U16(200), [0], "BEGIN"u8.ToArray());

        Fails(MySql84(), Event(BinlogEventType.Query, body), BinlogErrorKind.BinlogCorrupt).Message.Should().Contain("QUERY_EVENT");
    }

    [Fact]
    public void Xid_Rotate_Stop_Incident()
    {
        var decoder = MySql84();

        ((XidEvent)decoder.Decode(Event(BinlogEventType.Xid, U64(0x1122334455)))).Xid.Should().Be(0x1122334455);
        var rotate = (RotateEvent)decoder.Decode(Event(BinlogEventType.Rotate, Concat(U64(4), "binlog.000010"u8.ToArray())));
        (rotate.Position, rotate.NextFile).Should().Be((4UL, "binlog.000010"));
        decoder.Decode(Event(BinlogEventType.Stop, [])).Should().BeOfType<StopEvent>();
        var incident = (IncidentEvent)decoder.Decode(Event(BinlogEventType.Incident, Concat(U16(1), [11], "LOST_EVENTS"u8.ToArray())));
        (incident.IncidentNumber, incident.Message).Should().Be(((ushort)1, "LOST_EVENTS"));
    }

    [Fact]
    public void Heartbeat_V1_TakesTheFileFromTheBodyAndThePositionFromTheHeader()
    {
        var heartbeat = (HeartbeatEvent)MySql84().Decode(Event(BinlogEventType.Heartbeat, "binlog.000007"u8, nextPosition: 98765));

        (heartbeat.LogFile, heartbeat.Position).Should().Be(("binlog.000007", 98765UL));
    }

    [Fact]
    public void Heartbeat_V2_ReadsTypeLengthValueFields()
    {
        // position 70000 as a packed integer: FD + 3 bytes
        var body = Concat([1, 13], "binlog.000007"u8.ToArray(), [2, 4, 0xFD, 0x70, 0x11, 0x01], [0]);

        var heartbeat = (HeartbeatEvent)MySql84().Decode(Event(BinlogEventType.HeartbeatV2, body, nextPosition: 0));

        (heartbeat.LogFile, heartbeat.Position).Should().Be(("binlog.000007", 70000UL));
    }

    [Fact]
    public void RowsQuery_SkipsTheLengthByte()
    {
        var query = (RowsQueryEvent)MySql84().Decode(Event(BinlogEventType.RowsQuery, Concat([3], "SQL"u8.ToArray())));

        query.Sql.Should().Be("SQL");
    }

    [Fact]
    public void MySqlGtid_OfMySql57_HasNoCommitTimestamp()
    {
        var sid = Guid.Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562");
        var body = Concat([1], sid.ToByteArray(bigEndian: true), U64(23), [2], U64(5), U64(6));

        var gtid = (MySqlGtidEvent)MySql84().Decode(Event(BinlogEventType.Gtid, body));

        gtid.Gtid.Should().Be("3e11fa47-71ca-11e1-9e33-c80aa9429562:23");
        gtid.ImmediateCommitTimestampMicroseconds.Should().BeNull();
    }

    [Fact]
    public void MySqlGtid_WithOriginalTimestamp_MasksTheFlagBit()
    {
        var ts = 1_700_000_000_123_456UL;
        var immediate = BitConverter.GetBytes(ts | (1UL << 55))[..7];
        var body = Concat([0], new byte[16], U64(0), [2], U64(0), U64(1), immediate, BitConverter.GetBytes(ts - 5)[..7], [0x10]);

        var gtid = (MySqlGtidEvent)MySql84().Decode(Event(BinlogEventType.AnonymousGtid, body));

        gtid.IsAnonymous.Should().BeTrue();
        gtid.ImmediateCommitTimestampMicroseconds.Should().Be(ts);
    }

    [Fact]
    public void PreviousGtids_WritesIntervalsAsMySqlDoes()
    {
        var a = Guid.Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562");
        var b = Guid.Parse("00000000-0000-0000-0000-000000000001");
        var body = Concat(U64(2), a.ToByteArray(true), U64(2), U64(1), U64(6), U64(7), U64(8), b.ToByteArray(true), U64(1), U64(1), U64(4));

        var previous = (PreviousGtidsEvent)MySql84().Decode(Event(BinlogEventType.PreviousGtids, body));

        previous.GtidSet.Should().Be("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7,00000000-0000-0000-0000-000000000001:1-3");
    }

    [Fact]
    public void PreviousGtids_WithEmptyInterval_IsCorrupt() =>
        Fails(MySql84(), Event(BinlogEventType.PreviousGtids, Concat(U64(1), new byte[16], U64(1), U64(5), U64(5))), BinlogErrorKind.BinlogCorrupt);

    [Fact]
    public void MariaDbGtid_WithGroupCommitId_AndStandalone()
    {
        var decoder = MariaDb();

        var grouped = (MariaDbGtidEvent)decoder.Decode(Event(BinlogEventType.MariaDbGtid, Concat(U64(100), U32(3), [0x02 | 0x08], U64(555)), serverId: 9));
        var ddl = (MariaDbGtidEvent)decoder.Decode(Event(BinlogEventType.MariaDbGtid, Concat(U64(101), U32(3), [0x01], new byte[6]), serverId: 9));

        grouped.Gtid.ToString().Should().Be("3-9-100");
        grouped.CommitId.Should().Be(555);
        grouped.IsStandalone.Should().BeFalse();
        ddl.CommitId.Should().BeNull();
        ddl.IsStandalone.Should().BeTrue();
    }

    [Fact]
    public void MariaDbGtidList_MasksTheFlagBitsOfTheCount()
    {
        var body = Concat(U32(0x1000_0002), U32(0), U32(1), U64(10), U32(2), U32(5), U64(20));

        var list = (MariaDbGtidListEvent)MariaDb().Decode(Event(BinlogEventType.MariaDbGtidList, body));

        list.Gtids.Select(g => g.ToString()).Should().Equal("0-1-10", "2-5-20");
    }

    [Fact]
    public void MariaDbGtidList_CountingMoreThanItHolds_IsCorrupt() =>
        Fails(MariaDb(), Event(BinlogEventType.MariaDbGtidList, Concat(U32(3), U32(0), U32(1), U64(10))), BinlogErrorKind.BinlogCorrupt);

    [Fact]
    public void AnnotateRows_AndBinlogCheckpoint()
    {
        var decoder = MariaDb();

        ((RowsQueryEvent)decoder.Decode(Event(BinlogEventType.AnnotateRows, "UPDATE t SET a=1"u8))).Sql.Should().Be("UPDATE t SET a=1");
        ((BinlogCheckpointEvent)decoder.Decode(Event(BinlogEventType.BinlogCheckpoint, Concat(U32(10), "bin.000001"u8.ToArray())))).File
            .Should().Be("bin.000001");
    }

    [Fact]
    public void TransactionPayload_Uncompressed_DecodesInnerEventsWithoutChecksums()
    {
        var inner = Concat(
            Event(BinlogEventType.Query, Concat(U32(1), U32(0), [0], U16(0), U16(0), [0], "BEGIN"u8.ToArray()), checksum: false),
            Event(BinlogEventType.TableMap, TableMapBody(8, "s", "t", 3), checksum: false),
            Event(BinlogEventType.WriteRowsV2, Concat(U48(8), U16(1), U16(2), [1], [1], [1, 9], [1, 8]), checksum: false),
            Event(BinlogEventType.Xid, U64(77), checksum: false));
        var body = Concat([2, 3, 0xFC, 0xFF, 0x00], [3, 1, (byte)inner.Length], [1, 1, (byte)inner.Length], [0], inner);

        var payload = (TransactionPayloadEvent)MySql84().Decode(Event(BinlogEventType.TransactionPayload, body));

        payload.Events.Select(e => e.Header.Type).Should().Equal(
            BinlogEventType.Query, BinlogEventType.TableMap, BinlogEventType.WriteRowsV2, BinlogEventType.Xid);
        ((RowsEvent)payload.Events[2]).Rows.Should().HaveCount(2);
        ((XidEvent)payload.Events[3]).Xid.Should().Be(77);
    }

    [Fact]
    public void TransactionPayload_WithUnknownCompression_IsUnsupported()
    {
        var body = Concat([2, 1, 7], [0], [1, 2, 3]);

        Fails(MySql84(), Event(BinlogEventType.TransactionPayload, body), BinlogErrorKind.BinlogUnsupported).Message.Should().Contain("compression type 7");
    }

    [Fact]
    public void TransactionPayload_NestingAFormatDescription_IsCorrupt()
    {
        var inner = Event(BinlogEventType.FormatDescription, new byte[80], checksum: false);
        var body = Concat([2, 3, 0xFC, 0xFF, 0x00], [0], inner);

        Fails(MySql84(), Event(BinlogEventType.TransactionPayload, body), BinlogErrorKind.BinlogCorrupt);
    }

    [Fact]
    public void TransactionPayload_WithGarbageZstd_IsCorrupt()
    {
        var body = Concat([2, 1, 0], [3, 1, 100], [0], [0x28, 0xB5, 0x2F, 0xFD, 1, 2, 3, 4, 5, 6]);

        Fails(MySql84(), Event(BinlogEventType.TransactionPayload, body), BinlogErrorKind.BinlogCorrupt).Message.Should().Contain("zstd");
    }

    [Theory]
    [InlineData(100, "zstd")] // the frame holds more than announced: it does not fit
    [InlineData(300, "expanded to 200 byte(s)")] // the frame holds less than announced
    public void TransactionPayload_ZstdFrameOfAnotherSizeThanAnnounced_IsCorrupt(int announced, string message)
    {
        using var compressor = new ZstdSharp.Compressor();
        var frame = compressor.Wrap(Enumerable.Range(0, 200).Select(i => (byte)i).ToArray()).ToArray();
        var body = Concat([2, 1, 0], [3, 3, 0xFC], U16(announced), [0], frame);

        Fails(MySql84(), Event(BinlogEventType.TransactionPayload, body), BinlogErrorKind.BinlogCorrupt).Message.Should().Contain(message);
    }

    [Fact]
    public void TransactionPayload_OverTheSizeLimit_IsUnsupported()
    {
        var decoder = MySql84();
        decoder.MaxTransactionPayloadSize = 1000;
        var body = Concat([2, 1, 0], [3, 3, 0xFC, 0xE9, 0x03], [0], [0x28, 0xB5, 0x2F, 0xFD]);

        Fails(decoder, Event(BinlogEventType.TransactionPayload, body), BinlogErrorKind.BinlogUnsupported).Message.Should().Contain("1001");
    }

    [Theory]
    [InlineData(5)] // INTVAR
    [InlineData(13)] // RAND
    [InlineData(14)] // USER_VAR
    [InlineData(28)] // IGNORABLE
    [InlineData(36)] // TRANSACTION_CONTEXT
    [InlineData(38)] // XA_PREPARE
    public void EventsThatCarryNoRows_AreOtherEvents(byte type) =>
        MySql84().Decode(Event(type, [1, 2, 3])).Should().BeOfType<OtherEvent>();

    [Theory]
    [InlineData(20)]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(165)]
    [InlineData(166)]
    [InlineData(169)]
    [InlineData(171)]
    public void RowCarryingEventsThatCannotBeDecoded_AreUnsupported(byte type) =>
        Fails(MySql84(), Event(type, [1, 2, 3]), BinlogErrorKind.BinlogUnsupported).Message.Should().Contain($"type {type}");

    [Fact]
    public void StartEncryption_IsUnsupportedAsAnEncryptedBinlog() =>
        Fails(MariaDb(), Event(BinlogEventType.StartEncryption, [1, 0, 0, 0]), BinlogErrorKind.BinlogUnsupported).Message.Should().Contain("Encrypted binlog");

    [Fact]
    public void UnknownType_IsUnsupported_UnlessMarkedIgnorable()
    {
        var decoder = MySql84();

        Fails(decoder, Event(60, [1, 2]), BinlogErrorKind.BinlogUnsupported).Message.Should().Contain("Unknown binlog event type 60");
        decoder.Decode(Event(60, [1, 2], flags: 0x80)).Should().BeOfType<OtherEvent>().Which.Header.IsIgnorable.Should().BeTrue();
    }

    [Fact]
    public void ChecksumMismatch_NamesTheEventItsPositionAndBothCrcs()
    {
        var xid = Event(BinlogEventType.Xid, U64(5), nextPosition: 531);
        xid[20] ^= 0x40;

        var error = Fails(MySql84(), xid, BinlogErrorKind.BinlogCorrupt);

        error.Message.Should().Contain("checksum mismatch").And.Contain("Xid").And.Contain("type 16")
            .And.Contain("position 500").And.Contain("next position 531").And.MatchRegex("stored CRC32 0x[0-9A-F]{8}, computed 0x[0-9A-F]{8}");
    }

    [Fact]
    public void VerifyChecksumsOff_AcceptsADamagedEvent()
    {
        var decoder = MySql84();
        decoder.VerifyChecksums = false;
        var xid = Event(BinlogEventType.Xid, U64(5));
        xid[19] = 6;

        ((XidEvent)decoder.Decode(xid)).Xid.Should().Be(6);
    }

    [Fact]
    public void WithoutChecksums_TheLastFourBytesAreBody()
    {
        var decoder = new BinlogEventDecoder(FakeRowCodec.LengthPrefixed);
        decoder.Decode(NoChecksumFormat).Should().BeOfType<FormatDescriptionEvent>().Which.HasChecksum.Should().BeFalse();

        var rotate = (RotateEvent)decoder.Decode(Event(BinlogEventType.Rotate, Concat(U64(4), "mysql-bin.000002"u8.ToArray()), checksum: false));

        rotate.NextFile.Should().Be("mysql-bin.000002");
    }

    [Fact]
    public void BeforeTheFormat_ChecksumIsDetectedOrAsTold()
    {
        var plain = Event(BinlogEventType.Rotate, Concat(U64(4), "binlog.000002"u8.ToArray()), checksum: false, flags: 0x20);
        var sealedRotate = Event(BinlogEventType.Rotate, Concat(U64(4), "binlog.000002"u8.ToArray()), checksum: true, flags: 0x20);

        ((RotateEvent)new BinlogEventDecoder().Decode(plain)).NextFile.Should().Be("binlog.000002");
        ((RotateEvent)new BinlogEventDecoder().Decode(sealedRotate)).NextFile.Should().Be("binlog.000002");
        ((RotateEvent)new BinlogEventDecoder { ChecksumBeforeFormat = false }.Decode(plain)).NextFile.Should().Be("binlog.000002");
        Fails(new BinlogEventDecoder { ChecksumBeforeFormat = true }, plain, BinlogErrorKind.BinlogCorrupt);
    }

    [Fact]
    public void SizeFieldDisagreeingWithTheBytes_IsCorrupt()
    {
        var xid = Event(BinlogEventType.Xid, U64(5));

        Fails(MySql84(), xid[..^1], BinlogErrorKind.BinlogCorrupt).Message.Should().Contain("announces 31 byte(s) but 30");
        Fails(MySql84(), xid[..10], BinlogErrorKind.BinlogCorrupt).Message.Should().Contain("shorter than the 19-byte header");
    }

    [Fact]
    public void FormatDescription_OfAServerWithoutChecksums_IsUnsupported()
    {
        // MySQL 5.5: no checksum algorithm byte, no CRC; 27 post-header lengths.
        var body = Concat(U16(4), Encoding.ASCII.GetBytes("5.5.62-log").Concat(new byte[40]).ToArray(), U32(0), [19], new byte[27]);

        Fails(new BinlogEventDecoder(), Event(BinlogEventType.FormatDescription, body, checksum: false), BinlogErrorKind.BinlogUnsupported)
            .Message.Should().Contain("5.5.62-log").And.Contain("predates binlog checksums");
    }

    [Fact]
    public void FormatDescription_WithUnknownChecksumAlgorithm_IsUnsupported()
    {
        var format = (byte[])Crc32Format.Clone();
        format[^5] = 2;
        RowsEnvelopeTests.FormatDescriptionResealed(format);

        Fails(new BinlogEventDecoder(), format, BinlogErrorKind.BinlogUnsupported).Message.Should().Contain("checksum algorithm 2");
    }

    [Theory]
    [InlineData("8.0.28", true)]
    [InlineData("5.6.1-log", true)]
    [InlineData("5.6.0", false)]
    [InlineData("5.5.62", false)]
    [InlineData("5.3.12-MariaDB", true)]
    [InlineData("5.2.14-MariaDB", false)]
    [InlineData("10.11.6-MariaDB-0+deb12u1-log", true)]
    [InlineData("9.6.0", true)]
    public void ChecksumCapableServerVersions(string version, bool capable) =>
        BinlogEventDecoder.WritesChecksumFooter(version, out _).Should().Be(capable);

    [Fact]
    public void Format_IsKeptByTheDecoder()
    {
        var decoder = new BinlogEventDecoder();
        decoder.Format.Should().BeNull();

        var format = decoder.Decode(Crc32Format);

        decoder.Format.Should().BeSameAs(format);
    }
}
