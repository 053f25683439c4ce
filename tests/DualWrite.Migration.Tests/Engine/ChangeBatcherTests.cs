using System.Threading.Channels;
using DualWrite.Migration.Engine;
using DualWrite.MySql.Replication;
using DualWrite.MySql.Replication.Events;
using DualWrite.MySql.Replication.Rows;
using Microsoft.Extensions.Time.Testing;

namespace DualWrite.Migration.Tests.Engine;

/// <summary>The catch-up's batches: whole transactions, closed by size, by time on the test's clock, or before a DDL statement.</summary>
public sealed class ChangeBatcherTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);
    private static readonly TableMap Map = new() { TableId = 1, Schema = "db", Table = "t", Columns = [] };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));
    private readonly Channel<BinlogTransaction> _channel = Channel.CreateUnbounded<BinlogTransaction>();
    private ulong _offset = 4;

    [Fact]
    public async Task ABatchCloses_AtTheChangeLimit_WithoutSplittingTheTransactionThatReachesIt()
    {
        var batcher = Batcher(maxChanges: 4);
        var first = Write(changes: 3);
        var second = Write(changes: 3);
        var third = Write(changes: 1);

        var batch = await Next(batcher).WaitAsync(Safety);

        batch!.Transactions.Should().Equal(first, second);
        batch.Changes.Should().Be(6);
        batch.Position.Should().Be(second.Position);

        // What is left waits for more until the delay passes.
        (await AfterTheDelayAsync(Next(batcher)))!.Transactions.Should().Equal(third);
    }

    [Fact]
    public async Task ATransactionLargerThanTheLimit_IsABatchOfItsOwn()
    {
        var batcher = Batcher(maxChanges: 2);
        var large = Write(changes: 5);
        var after = Write(changes: 1);

        var batch = await Next(batcher).WaitAsync(Safety);

        batch!.Transactions.Should().Equal(large);
        batch.Changes.Should().Be(5);
        (await AfterTheDelayAsync(Next(batcher)))!.Transactions.Should().Equal(after);
    }

    [Fact]
    public async Task AnOpenBatch_TakesWhatArrivesWithinTheDelay_AndClosesWhenItPasses()
    {
        var batcher = Batcher(maxChanges: 100);
        var first = Write(changes: 1);
        var next = Next(batcher);

        _time.Advance(Delay - TimeSpan.FromMilliseconds(1));
        next.IsCompleted.Should().BeFalse("the delay has not passed and the batch is not full");
        var second = Write(changes: 1);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        var batch = await next.WaitAsync(Safety);
        batch!.Transactions.Should().Equal(first, second);
    }

    [Fact]
    public async Task NothingArriving_WithinTheIdleWait_GivesAnEmptyBatch()
    {
        var batcher = Batcher(maxChanges: 100);
        var next = Next(batcher);

        _time.Advance(Idle - TimeSpan.FromMilliseconds(1));
        next.IsCompleted.Should().BeFalse();
        _time.Advance(TimeSpan.FromMilliseconds(1));

        (await next.WaitAsync(Safety)).Should().BeSameAs(CatchUpBatch.None);
    }

    [Fact]
    public async Task ADdlStatement_EndsTheBatchBeforeIt_AndLeadsTheNext()
    {
        var batcher = Batcher(maxChanges: 100);
        var before = Write(changes: 2);
        var ddl = WriteDdl();
        var after = Write(changes: 2);
        var secondDdl = WriteDdl();

        var first = await Next(batcher).WaitAsync(Safety);
        first!.Transactions.Should().Equal(before);
        first.SchemaChange.Should().BeNull();

        var second = await Next(batcher).WaitAsync(Safety);
        second!.Transactions.Should().Equal(ddl, after);
        second.SchemaChange.Should().BeSameAs(ddl.SchemaChange);

        _channel.Writer.Complete();
        var third = await Next(batcher).WaitAsync(Safety);
        third!.Transactions.Should().Equal(secondDdl);
    }

    [Fact]
    public async Task TheEndOfTheSource_ClosesTheOpenBatch_ThenEndsTheBatches()
    {
        var batcher = Batcher(maxChanges: 100);
        var only = Write(changes: 1);
        _channel.Writer.Complete();

        (await Next(batcher).WaitAsync(Safety))!.Transactions.Should().Equal(only);
        (await Next(batcher).WaitAsync(Safety)).Should().BeNull();
    }

    [Fact]
    public async Task ASourceThatFailed_ThrowsItsError()
    {
        var batcher = Batcher(maxChanges: 100);
        _channel.Writer.Complete(new BackfillException(BackfillError.BinlogPurged, "purged"));

        var next = () => Next(batcher).WaitAsync(Safety);

        (await next.Should().ThrowAsync<BackfillException>()).Which.Error.Should().Be(BackfillError.BinlogPurged);
    }

    private ChangeBatcher Batcher(int maxChanges) => new(_channel.Reader, maxChanges, Delay, _time);

    private static Task<CatchUpBatch?> Next(ChangeBatcher batcher) => batcher.NextAsync(Idle, CancellationToken.None).AsTask();

    /// <summary>The batch <paramref name="next"/> gives once the delay has passed.</summary>
    private async Task<CatchUpBatch?> AfterTheDelayAsync(Task<CatchUpBatch?> next)
    {
        next.IsCompleted.Should().BeFalse("the batch is open until the delay passes");
        _time.Advance(Delay);
        return await next.WaitAsync(Safety);
    }

    private BinlogTransaction Write(int changes)
    {
        var rows = Enumerable.Range(0, changes).Select(i => new RowChange(Map, RowsEventKind.Insert, null, [i], i)).ToList();
        return Write(rows, null);
    }

    private BinlogTransaction WriteDdl() =>
        Write([], new SchemaChange(SchemaChangeKind.Alter, "db", ["t"], "ALTER TABLE t ADD COLUMN c INT"));

    private BinlogTransaction Write(IReadOnlyList<RowChange> changes, SchemaChange? ddl)
    {
        _offset += 100;
        var transaction = new BinlogTransaction(new BinlogPosition("binlog.000001", _offset), null, _time.GetUtcNow(), changes, ddl);
        _channel.Writer.TryWrite(transaction).Should().BeTrue();
        return transaction;
    }
}
