using DualWrite.MySql.Replication.Events;
using DualWrite.MySql.Replication.Rows;
using DualWrite.MySql.Replication.Session;
using DualWrite.MySql.Replication.Tests.Binlog.Rows;
using DualWrite.MySql.Values;

namespace DualWrite.MySql.Replication.Tests.Binlog.Session;

/// <summary>
/// Event groups become transactions only when they commit. A group the source wrote part of before it crashed (no XID
/// follows) is dropped when the next group begins or its file ends, and its GTID never enters the stream's GTID state:
/// the restarted server never committed it and may give its number to another transaction.
/// </summary>
public sealed class TransactionAssemblerTests
{
    private const uint Domain = 0;
    private const uint Server = 1;

    private static readonly TableMap Orders = new()
    {
        TableId = 7,
        Schema = "shop",
        Table = "orders",
        Columns = [RowsTestData.Column(MySqlColumnType.Long, name: "id")],
    };

    private readonly Context _context = new();

    [Fact]
    public void A_group_that_commits_is_delivered_with_its_gtid()
    {
        var assembler = new TransactionAssembler(_context);

        assembler.Accept(Gtid(10), 100).Should().BeNull();
        assembler.Accept(Insert(1), 200).Should().BeNull();
        var committed = assembler.Accept(Xid(), 300);

        committed.Should().NotBeNull();
        committed!.Gtid.Should().Be("0-1-10");
        committed.Changes.Should().ContainSingle().Which.After.Should().Equal(1);
        _context.MariaDbGtidState[Domain].Sequence.Should().Be(10UL);
        committed.Position.Offset.Should().Be(300U);
    }

    [Fact]
    public void A_group_cut_off_by_the_next_one_is_dropped_and_its_gtid_not_counted()
    {
        var assembler = new TransactionAssembler(_context);
        assembler.Accept(Gtid(10), 100);
        assembler.Accept(Insert(1), 200);

        // The source crashed before the XID; after its restart the number 10 is given again.
        assembler.Accept(Gtid(10), 400).Should().BeNull();
        _context.MariaDbGtidState.Should().BeEmpty("group 10 had not committed when the next one began");
        assembler.Accept(Insert(2), 500);
        var committed = assembler.Accept(Xid(), 600);

        committed!.Changes.Should().ContainSingle("the crashed group's row never committed").Which.After.Should().Equal(2);
        committed.Gtid.Should().Be("0-1-10");
    }

    [Fact]
    public void A_group_open_when_its_file_ends_is_dropped()
    {
        var assembler = new TransactionAssembler(_context);
        assembler.Accept(Gtid(10), 100);
        assembler.Accept(Insert(1), 200);

        assembler.EndOfFile();
        assembler.IsEmpty.Should().BeTrue();
        assembler.Accept(Gtid(11), 100);
        assembler.Accept(Insert(2), 200);
        var committed = assembler.Accept(Xid(), 300);

        committed!.Changes.Select(c => c.After![0]).Should().Equal(2);
        _context.MariaDbGtidState[Domain].Sequence.Should().Be(11UL);
    }

    private static MariaDbGtidEvent Gtid(ulong sequence) => new(Header(BinlogEventType.MariaDbGtid), new MariaDbGtid(Domain, Server, sequence), 0, null);

    private static RowsEvent Insert(int id) => new(Header(BinlogEventType.WriteRowsV2), RowsEventKind.Insert, Orders, [new RowImagePair(null, [id])], IsStatementEnd: true);

    private static XidEvent Xid() => new(Header(BinlogEventType.Xid), 1);

    private static BinlogEventHeader Header(BinlogEventType type) => new(1_700_000_000, type, Server, 0, 0, 0);

    private sealed class Context : ITransactionContext
    {
        public IDictionary<uint, MariaDbGtid> MariaDbGtidState { get; } = new SortedDictionary<uint, MariaDbGtid>();

        public MySqlGtidSet? MySqlGtids => null;

        public bool Includes(string schema, string table) => true;

        public void TableMapsInvalidated()
        {
        }

        public BinlogPosition PositionAt(uint nextPosition) =>
            new("binlog.000001", nextPosition, MariaDbGtidState.Count == 0 ? null : string.Join(",", MariaDbGtidState.Values));
    }
}
