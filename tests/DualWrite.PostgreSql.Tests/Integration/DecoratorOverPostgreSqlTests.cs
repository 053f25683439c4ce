using System.Globalization;
using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;
using DualWrite.MySql.Stores;
using DualWrite.PostgreSql.Stores;
using DualWrite.Testing;
using MySqlConnector;

namespace DualWrite.PostgreSql.Tests.Integration;

/// <summary>
/// The dual-write decorator with PostgreSQL authoritative (DualWriteReadNew): the PostgreSQL record and the intent for
/// the MySQL old store commit together in PostgreSQL, the old store follows, and an old-store write that fails leaves
/// the intent pending for the repair worker.
/// </summary>
public sealed class DecoratorOverPostgreSqlTests : StoreTestBase
{
    private readonly InMemoryPhaseSource _phases = new();
    private string? _database;
    private MySqlDataSource? _mySql;
    private PostgreSqlOutboxStore<long, string> _newStore = null!;
    private IVersionedStore<long, string> _oldStore = null!;

    public DecoratorOverPostgreSqlTests()
        : base("pgdecorator")
    {
    }

    [Fact]
    public async Task Write_GoesThroughTheOutbox_ToBothStores_AndCompletesTheIntent()
    {
        await SetUpAsync();
        var decorator = Decorator(MigrationPhase.DualWriteReadNew);

        (await decorator.UpsertAsync(Live(1, 10, "placed"), Ct)).Should().Be(WriteResult.Applied);

        (await _newStore.GetAsync(1, Ct)).Should().Be(Live(1, 10, "placed"));
        (await _oldStore.GetAsync(1, Ct)).Should().Be(Live(1, 10, "placed"));
        (await IntentsAsync(1)).Should().Be("logged:1 pending:0", "the outbox logged an intent with the record and completed it after the old store's write");
    }

    [Fact]
    public async Task OldStoreFailing_CallerSucceeds_IntentStaysPending_RepairWorkerCompletesIt()
    {
        await SetUpAsync();
        var decorator = Decorator(MigrationPhase.DualWriteReadNew);
        await ExecuteMySqlAsync("RENAME TABLE items TO items_away");

        (await decorator.UpsertAsync(Live(1, 10, "placed"), Ct)).Should().Be(WriteResult.Applied);
        (await decorator.DeleteAsync(2, 11, Ct)).Should().Be(WriteResult.Applied);

        var pending = await _newStore.RepairLog.ReadPendingAsync("items", 10, Ct);
        pending.Select(e => (e.Key, e.Target, e.Version)).Should().Equal((1L, StoreRole.Old, 10L), (2L, StoreRole.Old, 11L));

        // Rolled back to reading the old store before the repair: the pending intent sends the read to the newer record.
        _phases.SetPhase("items", MigrationPhase.DualWriteReadOld);
        await ExecuteMySqlAsync("RENAME TABLE items_away TO items");
        (await decorator.GetAsync(1, Ct)).Should().Be(Live(1, 10, "placed"));

        var run = await new RepairWorker<long, string>("items", _oldStore, _newStore, _newStore.RepairLog).RunOnceAsync(Ct);

        run.Should().Be(new RepairRunResult(2, 0));
        (await _oldStore.GetAsync(1, Ct)).Should().Be(Live(1, 10, "placed"));
        (await _oldStore.GetAsync(2, Ct)).Should().Be(Tombstone(2, 11));
        (await _newStore.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task ProcessDiesAfterCommit_BeforeTheOldStoreWrite_RepairFindsTheIntent()
    {
        await SetUpAsync();

        // What a crash between the two writes leaves behind: the new store's row and its intent, committed together.
        var intent = new RepairEntry<long>(Guid.NewGuid(), "items", 7, StoreRole.Old, 70, "secondary write pending", DateTimeOffset.UtcNow);
        var write = async () => await _newStore.WriteWithIntentAsync(Live(7, 70, "paid"), intent, _ => throw new InvalidOperationException("the process is gone"), Ct);
        await write.Should().ThrowAsync<PostgreSqlAfterCommitException>();
        (await _oldStore.GetAsync(7, Ct)).Should().BeNull();

        await new RepairWorker<long, string>("items", _oldStore, _newStore, _newStore.RepairLog).RunOnceAsync(Ct);

        (await _oldStore.GetAsync(7, Ct)).Should().Be(Live(7, 70, "paid"));
        (await _newStore.RepairLog.HasPendingAsync("items", 7, StoreRole.Old, Ct)).Should().BeFalse();
    }

    public override async Task DisposeAsync()
    {
        if (_mySql is not null)
        {
            await _mySql.DisposeAsync();
        }

        if (_database is not null)
        {
            await MariaDbServer.DropDatabaseAsync(_database);
        }

        await base.DisposeAsync();
    }

    private async Task SetUpAsync()
    {
        _newStore = await Scratch.CreateOutboxStoreAsync("items");
        _database = await MariaDbServer.CreateScratchDatabaseAsync("pgdecorator");
        _mySql = MariaDbServer.DataSource(b => b.Database = _database);
        await ExecuteMySqlAsync("CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, payload TEXT NULL) ENGINE=InnoDB");
        var mapping = new MySqlTableMapping<long, string>(
            "items",
            new MySqlColumnMap<long>(["id"], key => [key], (reader, ordinal) => reader.GetInt64(ordinal)),
            new MySqlColumnMap<string>(["payload"], value => [value], (reader, ordinal) => reader.GetString(ordinal)),
            Comparer<long>.Default);

        // The MySQL store always carries a log of its own; only its plain store side is used here, so that the
        // decorator's one log is the PostgreSQL outbox's.
        var mySqlStore = new MySqlVersionedStore<long, string>(
            _mySql, mapping, new MySqlRepairLog<long>(_mySql, k => k.ToString(CultureInfo.InvariantCulture), t => long.Parse(t, CultureInfo.InvariantCulture)));
        await mySqlStore.EnsureSchemaAsync(Ct);
        _oldStore = new PlainStore(mySqlStore);
    }

    private DualWriteStore<long, string> Decorator(MigrationPhase phase)
    {
        _phases.SetPhase("items", phase);

        // Timeouts far beyond any real write, so only a real failure counts as one.
        return new DualWriteStore<long, string>("items", _oldStore, _newStore, _phases, _newStore.RepairLog, new()
        {
            SecondaryWrites = { MaxRetryAttempts = 0, BreakerMinimumThroughput = 1000, AttemptTimeout = TimeSpan.FromMinutes(1), TotalTimeout = TimeSpan.FromMinutes(2) },
        });
    }

    private async Task ExecuteMySqlAsync(string sql)
    {
        await using var command = _mySql!.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<string> IntentsAsync(long key)
    {
        var table = $"\"{Scratch.Schema}\".dualwrite_repair_log";
        return $"logged:{await Scratch.CountAsync($"SELECT count(*) FROM {table} WHERE entry_key = '{key}'")} " +
            $"pending:{await Scratch.CountAsync($"SELECT count(*) FROM {table} WHERE entry_key = '{key}' AND completed_at IS NULL")}";
    }

    /// <summary>A store as a plain <see cref="IVersionedStore{TKey, TValue}"/>, hiding that it is also an outbox.</summary>
    private sealed class PlainStore(IVersionedStore<long, string> inner) : IVersionedStore<long, string>
    {
        public IComparer<long> KeyComparer => inner.KeyComparer;

        public ValueTask<VersionedRecord<long, string>?> GetAsync(long key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

        public ValueTask<WriteResult> UpsertAsync(VersionedRecord<long, string> record, CancellationToken cancellationToken) => inner.UpsertAsync(record, cancellationToken);

        public ValueTask<WriteResult> DeleteAsync(long key, long version, CancellationToken cancellationToken) => inner.DeleteAsync(key, version, cancellationToken);

        public IAsyncEnumerable<VersionedRecord<long, string>> ScanAsync(KeyRange<long> range, int batchSize, CancellationToken cancellationToken) =>
            inner.ScanAsync(range, batchSize, cancellationToken);

        public ValueTask<long> BulkLoadAsync(IAsyncEnumerable<VersionedRecord<long, string>> records, CancellationToken cancellationToken) =>
            inner.BulkLoadAsync(records, cancellationToken);
    }
}
