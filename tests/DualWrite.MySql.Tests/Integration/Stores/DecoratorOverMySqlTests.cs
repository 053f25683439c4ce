using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;
using DualWrite.MySql.Stores;

namespace DualWrite.MySql.Tests.Integration.Stores;

/// <summary>
/// The dual-write decorator over two MySQL stores sharing one repair log: the authoritative store's record and the
/// intent for the secondary commit in the caller's transaction, the secondary follows the commit, and a secondary
/// that fails leaves the intent for the repair worker.
/// </summary>
public sealed class DecoratorOverMySqlTests : StoreTestBase
{
    private readonly InMemoryPhaseSource _phases = new();
    private MySqlVersionedStore<long, string> _newStore = null!;
    private FlakyStore _flakyNew = null!;

    public DecoratorOverMySqlTests()
        : base("decorator", withItemsStore: true)
    {
    }

    protected override async Task SetUpAsync()
    {
        await Scratch.ExecuteAsync("CREATE TABLE items_new (id BIGINT NOT NULL PRIMARY KEY, payload TEXT NULL) ENGINE=InnoDB");
        _newStore = new MySqlVersionedStore<long, string>(Scratch.DataSource, StoreScratch.Mapping("items_new"), (MySqlRepairLog<long>)Store.RepairLog);
        await _newStore.EnsureSchemaAsync(Ct);
        _flakyNew = new FlakyStore(_newStore);
    }

    [Theory]
    [InlineData(MigrationPhase.DualWriteReadOld)]
    [InlineData(MigrationPhase.DualWriteReadNew)]
    public async Task InCallersTransaction_IntentCommitsWithTheRecord_SecondaryFollowsTheCommit(MigrationPhase phase)
    {
        var decorator = Decorator(phase);
        var (authority, secondary) = Tables(phase);

        await using (var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct))
        {
            (await decorator.UpsertAsync(new(1, 10, "placed"), Ct)).Should().Be(WriteResult.Applied);
            (await VisibleFromOutsideAsync(authority, 1)).Should().Be("row:0 intent:0", "nothing is visible before the caller commits");
            (await VisibleFromOutsideAsync(secondary, 1)).Should().Be("row:0 intent:0", "the secondary waits for the commit");

            await transaction.CommitAsync(Ct);
        }

        (await VisibleFromOutsideAsync(authority, 1)).Should().Be("row:1 intent:0", "the secondary write completed the intent");
        (await VisibleFromOutsideAsync(secondary, 1)).Should().Be("row:1 intent:0");
        (await _newStore.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 10, "placed"));
        (await Store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 10, "placed"));
    }

    [Fact]
    public async Task CallerRollsBack_NeitherStoreNorTheLogKeepsAnything()
    {
        var decorator = Decorator(MigrationPhase.DualWriteReadOld);

        await using (var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct))
        {
            await decorator.UpsertAsync(new(1, 10, "placed"), Ct);
            await transaction.RollbackAsync(Ct);
        }

        (await Store.GetAsync(1, Ct)).Should().BeNull();
        (await _newStore.GetAsync(1, Ct)).Should().BeNull();
        (await Store.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().BeEmpty();
        _flakyNew.Writes.Should().Be(0, "a rolled-back write never reaches the secondary");
    }

    [Fact]
    public async Task SecondaryDown_CallerSucceeds_IntentStaysPending_RepairWorkerDrainsIt()
    {
        var decorator = Decorator(MigrationPhase.DualWriteReadOld);
        _flakyNew.Down = true;

        await using (var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct))
        {
            await decorator.UpsertAsync(new(1, 10, "placed"), Ct);
            await decorator.UpsertAsync(new(2, 11, "placed"), Ct);
            await transaction.CommitAsync(Ct);
        }

        await decorator.DeleteAsync(2, 12, Ct);

        _flakyNew.Writes.Should().Be(3);
        (await _newStore.GetAsync(1, Ct)).Should().BeNull();
        var pending = await Store.RepairLog.ReadPendingAsync("items", 10, Ct);
        pending.Select(e => (e.Key, e.Target, e.Version)).Should().BeEquivalentTo(new[] { (1L, StoreRole.New, 10L), (2L, StoreRole.New, 11L), (2L, StoreRole.New, 12L) });

        _flakyNew.Down = false;
        var run = await new RepairWorker<long, string>("items", Store, _flakyNew, Store.RepairLog).RunOnceAsync(Ct);

        run.StillFailing.Should().Be(0);
        (await _newStore.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 10, "placed"));
        (await _newStore.GetAsync(2, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(2, 12));
        (await Store.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task ProcessDiesAfterCommit_BeforeTheSecondaryWrite_RepairFindsTheIntent()
    {
        // What a crash between the two writes leaves behind: the authority's row and its intent, committed together.
        var intent = new RepairEntry<long>(Guid.NewGuid(), "items", 7, StoreRole.New, 70, "pending secondary write", DateTimeOffset.UtcNow);
        await using (var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct))
        {
            await Store.WriteWithIntentAsync(new(7, 70, "paid"), intent, _ => throw new InvalidOperationException("the process is gone"), Ct);
            await transaction.CommitAsync(Ct).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        (await Store.GetAsync(7, Ct)).Should().Be(new VersionedRecord<long, string>(7, 70, "paid"));
        (await _newStore.GetAsync(7, Ct)).Should().BeNull();

        // A read through the decorator after a flip to the new store must not go back in time before repair.
        var decorator = Decorator(MigrationPhase.DualWriteReadNew);
        (await decorator.GetAsync(7, Ct)).Should().Be(new VersionedRecord<long, string>(7, 70, "paid"));

        await new RepairWorker<long, string>("items", Store, _newStore, Store.RepairLog).RunOnceAsync(Ct);

        (await _newStore.GetAsync(7, Ct)).Should().Be(new VersionedRecord<long, string>(7, 70, "paid"));
        (await Store.RepairLog.HasPendingAsync("items", 7, StoreRole.New, Ct)).Should().BeFalse();
    }

    private DualWriteStore<long, string> Decorator(MigrationPhase phase)
    {
        _phases.SetPhase("items", phase);
        return new DualWriteStore<long, string>("items", Store, _flakyNew, _phases, Store.RepairLog, new()
        {
            SecondaryWrites = { MaxRetryAttempts = 0, BreakerMinimumThroughput = 1000 },
        });
    }

    private static (string Authority, string Secondary) Tables(MigrationPhase phase) =>
        phase.Routing().WriteAuthority == StoreRole.Old ? ("items", "items_new") : ("items_new", "items");

    private async Task<string> VisibleFromOutsideAsync(string table, long key) =>
        $"row:{await Scratch.CountAsync($"SELECT COUNT(*) FROM `{table}` WHERE id = ?", key)} " +
        $"intent:{await Scratch.CountAsync("SELECT COUNT(*) FROM dualwrite_repair_log WHERE entry_key = ? AND completed_at IS NULL", key.ToString(System.Globalization.CultureInfo.InvariantCulture))}";

    /// <summary>The new MySQL store, with a switch that makes every write fail as if the server were unreachable.</summary>
    private sealed class FlakyStore(MySqlVersionedStore<long, string> inner) : IOutboxStore<long, string>
    {
        public bool Down { get; set; }

        public int Writes { get; private set; }

        public IComparer<long> KeyComparer => inner.KeyComparer;

        public IRepairLog<long> RepairLog => inner.RepairLog;

        public ValueTask<VersionedRecord<long, string>?> GetAsync(long key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

        public IAsyncEnumerable<VersionedRecord<long, string>> ScanAsync(KeyRange<long> range, int batchSize, CancellationToken cancellationToken) =>
            inner.ScanAsync(range, batchSize, cancellationToken);

        public ValueTask<long> BulkLoadAsync(IAsyncEnumerable<VersionedRecord<long, string>> records, CancellationToken cancellationToken) =>
            inner.BulkLoadAsync(records, cancellationToken);

        public ValueTask<WriteResult> UpsertAsync(VersionedRecord<long, string> record, CancellationToken cancellationToken) =>
            Write(() => inner.UpsertAsync(record, cancellationToken));

        public ValueTask<WriteResult> DeleteAsync(long key, long version, CancellationToken cancellationToken) =>
            Write(() => inner.DeleteAsync(key, version, cancellationToken));

        public ValueTask<WriteResult> WriteWithIntentAsync(
            VersionedRecord<long, string> record, RepairEntry<long> intent, Func<CancellationToken, ValueTask> afterCommit, CancellationToken cancellationToken) =>
            Write(() => inner.WriteWithIntentAsync(record, intent, afterCommit, cancellationToken));

        private ValueTask<WriteResult> Write(Func<ValueTask<WriteResult>> write)
        {
            Writes++;
            return Down ? ValueTask.FromException<WriteResult>(new TimeoutException("items_new is unreachable (simulated)")) : write();
        }
    }
}
