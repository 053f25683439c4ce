using System.Globalization;
using DualWrite.MySql.Replication;
using DualWrite.MySql.Replication.Events;
using DualWrite.MySql.Values;

namespace DualWrite.MySql.Replication.Tests.Binlog.Events;

/// <summary>
/// The recorded files decoded with the real table-map and row-image decoders. These wait on the row decoder (the
/// TableMapParser / RowImageReader work): until it is merged they fail with NotImplementedException.
/// </summary>
public class RowValuesTests
{
    private static List<BinlogEvent> ReadReal(string file) => BinlogFileReader.ReadEvents(BinlogFixtures.PathOf(file)).ToList();

    private static List<BinlogEvent> Flatten(IEnumerable<BinlogEvent> events) =>
        events.SelectMany(e => e is TransactionPayloadEvent p ? p.Events : [e]).ToList();

    private static long Int(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    /// <summary>Recordings made without binlog_row_metadata=FULL: their ENUM/SET columns have no member names.</summary>
    private static readonly string[] WithoutEnumNames = [BinlogFixtures.MySqlCdc, BinlogFixtures.Apecloud57];

    [Theory]
    [MemberData(nameof(RecordedFileTests.AllFiles), MemberType = typeof(RecordedFileTests))]
    public void EveryRecordedFile_Values_DecodeWithTheRealRowDecoder(string file)
    {
        if (WithoutEnumNames.Contains(file) || file == BinlogFixtures.Json)
        {
            // Decoding these needs settings the recording lacked: the reader says which, and never guesses.
            var error = FluentActions.Invoking(() => ReadReal(file)).Should().Throw<BinlogException>().Which;
            error.Kind.Should().Be(BinlogErrorKind.BinlogUnsupported);
            error.Message.Should().ContainAny("binlog_row_metadata=FULL", "binlog_row_image=FULL");
            return;
        }

        var events = Flatten(ReadReal(file));

        events.OfType<RowsEvent>().Where(r => r.Rows.Count == 0 && r.Table.Columns.Count > 0).Should().BeEmpty();
        events.OfType<RowsEvent>().SelectMany(r => r.Rows.Select(row => (r.Table, row)))
            .Where(x => (x.row.Before ?? x.row.After)!.Length != x.Table.Columns.Count || (x.row.After ?? x.row.Before)!.Length != x.Table.Columns.Count)
            .Should().BeEmpty("every image has one value per column");
    }

    [Fact]
    public void Percona_Values_InsertOneTwoThree()
    {
        var rows = ReadReal(BinlogFixtures.Percona3).OfType<RowsEvent>().Single();

        rows.Kind.Should().Be(RowsEventKind.Insert);
        rows.Rows.Select(r => Int(r.After![0])).Should().Equal(1, 2, 3);
    }

    [Fact]
    public void IntegerTypes_Values_WriteUpdateDelete()
    {
        var rows = ReadReal(BinlogFixtures.DeleteRowsV2).OfType<RowsEvent>().ToList();

        rows.Select(r => r.Kind).Should().Equal(RowsEventKind.Insert, RowsEventKind.Update, RowsEventKind.Delete);
        rows[0].Rows.Single().After!.Select(Int).Should().Equal(1, 11, 111, 1111, 11111, 1);
        rows[1].Rows.Single().Before!.Select(Int).Should().Equal(1, 11, 111, 1111, 11111, 1);
        rows[1].Rows.Single().After!.Select(Int).Should().Equal(1, 22, 222, 1111, 11111, 1);
        rows[2].Rows.Single().Before!.Select(Int).Should().Equal(1, 22, 222, 1111, 11111, 1);
    }

    [Fact]
    public void Compressed_Values_UpdateOfDemoMoviesHasBeforeAndAfter()
    {
        var rows = Flatten(ReadReal(BinlogFixtures.Compressed)).OfType<RowsEvent>().Single();

        rows.Rows.Should().NotBeEmpty().And.OnlyContain(r => r.Before != null && r.After != null);
    }

    [Fact]
    public void MariaDb_Values_OutboxInsertsFoo()
    {
        var rows = ReadReal(BinlogFixtures.MariaDb105).OfType<RowsEvent>().ToList();

        rows.Should().HaveCount(2);
        rows.Select(r => r.Rows.Single().After!).Should().OnlyContain(values => values.Contains("foo"));
    }

    [Fact]
    public void PartialJsonUpdate_FromMinimalBeforeImage_IsATypedError()
    {
        // The recording logs a minimal before-image: the JSON column is not in it, so no diff can be applied.
        var envelope = BinlogFileReader.ReadEvents(BinlogFixtures.PathOf(BinlogFixtures.Json), new BinlogEventDecoder(FakeRowCodec.ConsumeAll))
            .OfType<RowsEvent>().Single(r => r.Header.Type == BinlogEventType.PartialUpdateRows);
        var jsonOrdinal = envelope.Table.Columns.Single(c => c.Type == MySqlColumnType.Json).Ordinal;
        ((envelope.ColumnsPresent.Span[jsonOrdinal / 8] >> (jsonOrdinal % 8)) & 1).Should().Be(0, "the before-image leaves the JSON column out");

        var error = FluentActions.Invoking(() => ReadReal(BinlogFixtures.Json)).Should().Throw<BinlogException>().Which;

        error.Kind.Should().Be(BinlogErrorKind.BinlogUnsupported);
        error.Message.Should().Contain("binlog_row_image=FULL");
    }
}
