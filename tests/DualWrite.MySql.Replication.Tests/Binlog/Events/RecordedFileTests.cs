using DualWrite.MySql.Replication;
using DualWrite.MySql.Replication.Events;

namespace DualWrite.MySql.Replication.Tests.Binlog.Events;

/// <summary>
/// The recorded binlog files parsed end to end with the envelope decoder (table maps and row images through
/// <see cref="FakeRowCodec"/>); expectations from shared/fixtures/binlog/SOURCES.md and the source projects' tests.
/// </summary>
public class RecordedFileTests
{
    public static TheoryData<string> AllFiles => [.. BinlogFixtures.Files];

    internal static List<BinlogEvent> Read(string file) =>
        BinlogFileReader.ReadEvents(BinlogFixtures.PathOf(file), new BinlogEventDecoder(FakeRowCodec.ConsumeAll)).ToList();

    [Theory]
    [MemberData(nameof(RecordedFileTests.AllFiles), MemberType = typeof(RecordedFileTests))]
    public void EveryRecordedFile_ParsesCompletely_WithNoUnknownEvents(string file)
    {
        var events = Read(file);

        events.Should().HaveCount(BinlogFixtures.Events(file).Count);
        events[0].Should().BeOfType<FormatDescriptionEvent>();
        events.Should().NotContain(e => e is OtherEvent, "every event type in the recorded files is decoded");
        events.OfType<RowsEvent>().Where(r => r.Rows.Count != 1).Should().BeEmpty("the fake row reader takes all rows data as one row");
    }

    [Theory]
    [InlineData(BinlogFixtures.Compressed, 5)]
    [InlineData(BinlogFixtures.ChecksumNone, 191)]
    [InlineData(BinlogFixtures.ChecksumCrc32, 303)]
    [InlineData(BinlogFixtures.Apecloud57, 8)]
    public void EventCounts_MatchTheSourceProjectsTests(string file, int expected) =>
        // Those readers count every top-level event, the FORMAT_DESCRIPTION included and a TRANSACTION_PAYLOAD as one.
        Read(file).Should().HaveCount(expected);

    [Theory]
    [InlineData(BinlogFixtures.Compressed, "8.0.28", true)]
    [InlineData(BinlogFixtures.ChecksumNone, "5.7.20-log", false)]
    [InlineData(BinlogFixtures.ChecksumCrc32, "5.7.21-log", true)]
    [InlineData(BinlogFixtures.GtidTag, "9.6.0", true)]
    [InlineData(BinlogFixtures.Vector, "9.0.1", true)]
    [InlineData(BinlogFixtures.Percona2, "8.4.10-10", true)]
    [InlineData(BinlogFixtures.MySqlCdc, "5.7.23-log", true)]
    [InlineData(BinlogFixtures.DeleteRowsV2, "8.2.0", true)]
    [InlineData(BinlogFixtures.MariaDb105, "10.5.15-MariaDB-1:10.5.15+maria~focal-log", true)]
    [InlineData(BinlogFixtures.MariaDb118, "11.8.5-MariaDB-ubu2404-log", true)]
    public void FormatDescription_GivesServerVersionAndChecksum(string file, string version, bool checksum)
    {
        var format = Read(file).OfType<FormatDescriptionEvent>().Single();

        format.ServerVersion.Should().Be(version);
        format.HasChecksum.Should().Be(checksum);
        format.BinlogVersion.Should().Be(4);
        format.HeaderLength.Should().Be(19);
        format.PostHeaderLengths[(int)BinlogEventType.Query - 1].Should().Be(13);
    }

    [Fact]
    public void FormatDescription_WithBinlogInUseFlag_StillVerifies()
    {
        // The file was copied while the server had it open: flag 0x1 set, the CRC taken without it.
        var format = Read(BinlogFixtures.Json).OfType<FormatDescriptionEvent>().Single();

        format.Header.Flags.Should().Be(1);
    }

    [Theory]
    [InlineData(BinlogFixtures.Compressed, "mysql-bin.000005")]
    [InlineData(BinlogFixtures.ChecksumCrc32, "mysql-bin.000002")]
    [InlineData(BinlogFixtures.Percona2, "binlog.000003")]
    [InlineData(BinlogFixtures.Percona3, "binlog.000004")]
    [InlineData(BinlogFixtures.GtidTag, "binlog.000005")]
    [InlineData(BinlogFixtures.TransactionCompression, "binlog.000043")]
    [InlineData(BinlogFixtures.MariaDb118, "mariadb-repl-bin.000008")]
    public void Rotate_NamesTheNextFile(string file, string next)
    {
        var rotate = Read(file).OfType<RotateEvent>().Single();

        rotate.NextFile.Should().Be(next);
        rotate.Position.Should().Be(4);
    }

    [Fact]
    public void ChecksumNone_EndsWithStop()
    {
        var events = Read(BinlogFixtures.ChecksumNone);

        events[^1].Should().BeOfType<StopEvent>();
        events.OfType<QueryEvent>().Should().HaveCount(40);
        events.OfType<XidEvent>().Should().HaveCount(36);
    }

    [Fact]
    public void ChecksumCrc32_HasSixtyTransactionsOfRowsEvents()
    {
        var events = Read(BinlogFixtures.ChecksumCrc32);

        events.OfType<XidEvent>().Should().HaveCount(60);
        events.OfType<TableMapEvent>().Should().HaveCount(60);
        events.OfType<RowsEvent>().GroupBy(r => r.Kind).ToDictionary(g => g.Key, g => g.Count())
            .Should().Equal(new Dictionary<RowsEventKind, int> { [RowsEventKind.Insert] = 34, [RowsEventKind.Update] = 20, [RowsEventKind.Delete] = 6 });
        events.OfType<MySqlGtidEvent>().Should().HaveCount(60).And.OnlyContain(g => g.IsAnonymous);
    }

    [Theory]
    [InlineData(BinlogFixtures.Compressed, "Query TableMap UpdateRowsV2 Xid")]
    [InlineData(BinlogFixtures.TransactionCompression, "Query TableMap WriteRowsV2 Xid")]
    public void TransactionPayload_HoldsTheTransactionsEventsInOrder(string file, string order)
    {
        var payload = Read(file).OfType<TransactionPayloadEvent>().Single();

        string.Join(' ', payload.Events.Select(e => e.Header.Type)).Should().Be(order);
        payload.Events.OfType<QueryEvent>().Single().Sql.Should().Be("BEGIN");
    }

    [Fact]
    public void Compressed_PayloadUpdatesDemoMovies()
    {
        var payload = Read(BinlogFixtures.Compressed).OfType<TransactionPayloadEvent>().Single();

        var map = payload.Events.OfType<TableMapEvent>().Single().Table;
        (map.Schema, map.Table).Should().Be(("demo", "movies"));
        var rows = payload.Events.OfType<RowsEvent>().Single();
        rows.Table.Should().BeSameAs(map);
        rows.Kind.Should().Be(RowsEventKind.Update);
        rows.IsStatementEnd.Should().BeTrue();
    }

    [Fact]
    public void Apecloud_HasThreeGtidsAndTwoPayloads()
    {
        var events = Read(BinlogFixtures.Apecloud57);

        events.OfType<PreviousGtidsEvent>().Single().GtidSet.Should().Be("76f3e7be-6720-11ed-9cad-0242ac110002:1-10");
        events.OfType<MySqlGtidEvent>().Select(g => g.Gtid).Should().Equal(
            "76f3e7be-6720-11ed-9cad-0242ac110002:11", "76f3e7be-6720-11ed-9cad-0242ac110002:12", "76f3e7be-6720-11ed-9cad-0242ac110002:13");
        var payloads = events.OfType<TransactionPayloadEvent>().ToList();
        payloads.Should().HaveCount(2);
        payloads.SelectMany(p => p.Events).OfType<RowsQueryEvent>().Should().NotBeEmpty();
        payloads.SelectMany(p => p.Events).OfType<RowsEvent>().Select(r => r.Kind).Should().Contain([RowsEventKind.Insert, RowsEventKind.Update]);
        payloads.Should().OnlyContain(p => p.Events.Last() is XidEvent);
    }

    [Fact]
    public void MySqlGtid_HasCommitTimestamp()
    {
        var gtid = Read(BinlogFixtures.Apecloud57).OfType<MySqlGtidEvent>().First();

        gtid.IsAnonymous.Should().BeFalse();
        gtid.Tag.Should().BeNull();
        var committed = DateTimeOffset.UnixEpoch.AddTicks((long)gtid.ImmediateCommitTimestampMicroseconds!.Value * 10);
        committed.Should().BeCloseTo(DateTimeOffset.FromUnixTimeSeconds(gtid.Header.Timestamp), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Percona_GtidsContinueAcrossTheRotate()
    {
        var second = Read(BinlogFixtures.Percona2);
        var third = Read(BinlogFixtures.Percona3);

        second.OfType<MySqlGtidEvent>().Select(g => g.Gtid).Should().Equal(
            "ca3ce93b-9bea-11f1-b808-e608fdb6e3c5:1", "ca3ce93b-9bea-11f1-b808-e608fdb6e3c5:2");
        second.OfType<QueryEvent>().Select(q => q.Sql).Should().HaveCount(2).And.Contain(s => s.StartsWith("CREATE TABLE", StringComparison.Ordinal));
        third.OfType<PreviousGtidsEvent>().Single().GtidSet.Should().Be("ca3ce93b-9bea-11f1-b808-e608fdb6e3c5:1-2");
        third.OfType<MySqlGtidEvent>().Single().Gtid.Should().Be("ca3ce93b-9bea-11f1-b808-e608fdb6e3c5:3");
        var map = third.OfType<TableMapEvent>().Single().Table;
        (map.Schema, map.Table, map.Columns.Count).Should().Be(("t", "a", 1));
    }

    [Fact]
    public void TransactionCompression_PreviousGtids()
    {
        Read(BinlogFixtures.TransactionCompression).OfType<PreviousGtidsEvent>().Single().GtidSet
            .Should().Be("357df524-4139-11ee-9979-b033ee13919e:1");
    }

    [Fact]
    public void TaggedGtid_DecodesUuidTagAndGno()
    {
        var events = Read(BinlogFixtures.GtidTag);

        events.OfType<PreviousGtidsEvent>().Single().GtidSet.Should().Be("55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-2");
        var gtid = events.OfType<MySqlGtidEvent>().Single();
        gtid.Header.Type.Should().Be(BinlogEventType.GtidTagged);
        gtid.SourceId.Should().Be(Guid.Parse("55778904-0299-11f1-b1b8-4ef0c4956feb"));
        gtid.Tag.Should().Be("mytag");
        gtid.TransactionNumber.Should().Be(3);
        gtid.Gtid.Should().Be("55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3");
        gtid.IsAnonymous.Should().BeFalse();
        gtid.ImmediateCommitTimestampMicroseconds.Should().Be(1_770_368_687_207_196UL);
    }

    [Fact]
    public void MariaDb105_GtidsAnnotationsAndCheckpoint()
    {
        var events = Read(BinlogFixtures.MariaDb105);

        events.OfType<MariaDbGtidListEvent>().Single().Gtids.Should().BeEmpty();
        events.OfType<BinlogCheckpointEvent>().Single().File.Should().Be("mariadb-bin.000001");
        events.OfType<MariaDbGtidEvent>().Select(g => g.Gtid.ToString()).Should().Equal("0-1-1", "0-1-2");
        events.OfType<MariaDbGtidEvent>().Should().OnlyContain(g => g.CommitId == null && !g.IsStandalone);
        events.OfType<RowsQueryEvent>().Select(a => a.Sql).Should().AllBe(
            "insert into outbox (topic, event_type, event) values ('foo', 'JSON', '{\"foo\":1}')");
        events.OfType<RowsEvent>().Should().HaveCount(2).And.OnlyContain(r => r.Header.Type == BinlogEventType.WriteRowsV1);
        events.OfType<TableMapEvent>().Select(t => t.Table.Table).Should().AllBe("outbox");
    }

    [Fact]
    public void MariaDb118_Has63GtidTransactions()
    {
        var events = Read(BinlogFixtures.MariaDb118);

        events.OfType<MariaDbGtidListEvent>().Single().Gtids.Should().Equal(new MariaDbGtid(0, 10, 262_733));
        var gtids = events.OfType<MariaDbGtidEvent>().Select(g => g.Gtid).ToList();
        gtids.Should().HaveCount(63);
        gtids.Should().Equal(Enumerable.Range(0, 63).Select(i => new MariaDbGtid(0, 10, 262_734UL + (ulong)i)));
        gtids[0].ToString().Should().Be("0-10-262734");
        events.OfType<XidEvent>().Should().HaveCount(63);
        events.OfType<BinlogCheckpointEvent>().Select(c => c.File).Should().Equal("mariadb-repl-bin.000006", "mariadb-repl-bin.000007");
        events.OfType<QueryEvent>().Should().HaveCount(252);
    }

    [Fact]
    public void ZongjiPackets_DecodeAsTheirSummarySays()
    {
        var decoder = new BinlogEventDecoder(FakeRowCodec.ConsumeAll);
        var events = BinlogFixtures.ZongjiEvents().Select(e => decoder.Decode(e)).ToList();

        var names = events.Select(e => e switch
        {
            RotateEvent => "Rotate",
            FormatDescriptionEvent => "Format",
            MySqlGtidEvent => "Gtid",
            QueryEvent => "Query",
            TableMapEvent => "TableMap",
            RowsEvent { Kind: RowsEventKind.Insert } => "WriteRows",
            RowsEvent { Kind: RowsEventKind.Update } => "UpdateRows",
            RowsEvent { Kind: RowsEventKind.Delete } => "DeleteRows",
            XidEvent => "Xid",
            RowsQueryEvent => "RowsQuery",
            PreviousGtidsEvent => "PreviousGtids",
            _ => e.GetType().Name,
        });
        names.Should().Equal(BinlogFixtures.ZongjiSummary());
        events.OfType<MySqlGtidEvent>().Select(g => g.TransactionNumber).Should().Equal(105, 106, 107, 108, 109);
        events.OfType<MySqlGtidEvent>().Should().OnlyContain(g => g.SourceId == Guid.Parse("75029619-787e-11f1-88ef-6acb2cd49b0e"));
        events.OfType<PreviousGtidsEvent>().Single().GtidSet.Should().Be("75029619-787e-11f1-88ef-6acb2cd49b0e:1-109");
        events.OfType<RowsQueryEvent>().Single().Sql.Should().StartWith("INSERT INTO capture_types (id) VALUES (3");
        var rotates = events.OfType<RotateEvent>().ToList();
        rotates.Select(r => (r.NextFile, r.Header.IsArtificial)).Should().Equal(
            ("mysql-bin.000002", true), ("mysql-bin.000003", false), ("mysql-bin.000003", true));
        rotates[0].Position.Should().Be(918);
        events.OfType<TableMapEvent>().Should().OnlyContain(t => t.Table.Columns.Count == 26 && t.Table.Table == "capture_types");
    }

    [Fact]
    public void ZongjiFirstRotate_BeforeAnyFormat_DetectsItsChecksum()
    {
        var rotate = BinlogFixtures.ZongjiEvents()[0];

        var detected = (RotateEvent)new BinlogEventDecoder().Decode(rotate);
        var told = (RotateEvent)new BinlogEventDecoder { ChecksumBeforeFormat = true }.Decode(rotate);

        detected.NextFile.Should().Be("mysql-bin.000002");
        told.Should().Be(detected);
    }
}
