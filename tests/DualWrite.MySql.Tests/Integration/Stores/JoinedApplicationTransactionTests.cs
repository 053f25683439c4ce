using System.Data;
using Dapper;
using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;
using DualWrite.MySql.Stores;
using DualWrite.Testing;

namespace DualWrite.MySql.Tests.Integration.Stores;

/// <summary>
/// The application's own MySqlConnector transaction, with its own rows written through Dapper, joined by the
/// decorated store (the MySQL store as the old store, an in-memory new store, DualWriteReadOld): the application's
/// row, the record and its outbox intent commit or roll back together, and whatever the secondary misses after the
/// commit is repaired from the intent.
/// </summary>
public sealed partial class JoinedApplicationTransactionTests : StoreTestBase
{
    private readonly InMemoryPhaseSource _phases = new();
    private readonly InMemoryVersionedStore<long, string> _secondary = new();
    private DualWriteStore<long, string> _decorated = null!;

    public JoinedApplicationTransactionTests()
        : base("joined", withItemsStore: true)
    {
    }

    protected override async Task SetUpAsync()
    {
        await Scratch.ExecuteAsync("CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, note VARCHAR(100) NOT NULL) ENGINE=InnoDB");
        _phases.SetPhase("items", MigrationPhase.DualWriteReadOld);
        _decorated = new DualWriteStore<long, string>("items", Store, _secondary, _phases, Store.RepairLog, new()
        {
            SecondaryWrites = { MaxRetryAttempts = 0, BreakerMinimumThroughput = 1000 },
        });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RolledBack_LeavesNeitherTheApplicationRowNorTheRecordNorAnIntent(bool throughTheJoinedObject)
    {
        await using var connection = await OpenApplicationConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await PlaceOrderAsync(connection, transaction, 1);

        await using (var joined = MySqlStoreTransaction.Join(connection, transaction))
        {
            (await _decorated.UpsertAsync(new(1, 10, "placed"), Ct)).Should().Be(WriteResult.Applied);
            (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM items WHERE id = 1", transaction: transaction))
                .Should().Be(1, "the store wrote on the application's connection, inside its transaction");
            (await VisibleFromOutsideAsync(1)).Should().Be("order:0 row:0 intents:0 pending:0", "nothing is visible before the application commits");

            if (throughTheJoinedObject)
            {
                await joined.RollbackAsync(Ct);
            }
            else
            {
                await transaction.RollbackAsync();
            }
        }

        (await VisibleFromOutsideAsync(1)).Should().Be("order:0 row:0 intents:0 pending:0");
        (await Store.GetAsync(1, Ct)).Should().BeNull();
        (await _secondary.GetAsync(1, Ct)).Should().BeNull("a rolled-back write never reaches the secondary");
        connection.State.Should().Be(ConnectionState.Open, "the application owns its connection");
    }

    [Fact]
    public async Task CommittedThroughTheJoinedObject_CompletesExactlyOneIntent_AndTheSecondaryHoldsTheRecord()
    {
        await using var connection = await OpenApplicationConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await PlaceOrderAsync(connection, transaction, 1);
        var joined = MySqlStoreTransaction.Join(connection, transaction);
        await _decorated.UpsertAsync(new(1, 10, "placed"), Ct);
        _secondary.Count.Should().Be(0, "the secondary is written after the commit");

        await joined.CommitAsync(Ct);

        MySqlStoreTransaction.Current.Should().BeNull();
        (await VisibleFromOutsideAsync(1)).Should().Be("order:1 row:1 intents:1 pending:0", "one intent, completed once the secondary took the write");
        (await _secondary.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 10, "placed"));
        (await Store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 10, "placed"));
        connection.State.Should().Be(ConnectionState.Open, "the application owns its connection");
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM orders")).Should().Be(1, "the application goes on using its connection");
        await joined.DisposeAsync();
    }

    [Fact]
    public async Task CommittedByTheApplication_LeavesTheIntentPending_AndTheRepairWorkerCatchesTheSecondaryUp()
    {
        await using var connection = await OpenApplicationConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        await using (MySqlStoreTransaction.Join(connection, transaction))
        {
            await PlaceOrderAsync(connection, transaction, 1);
            await _decorated.UpsertAsync(new(1, 10, "placed"), Ct);
            await _decorated.DeleteAsync(2, 11, Ct);

            // What an application that knows nothing of the joined object does; a process that dies right after its
            // COMMIT leaves the same.
            await transaction.CommitAsync();
        }

        (await VisibleFromOutsideAsync(1)).Should().Be("order:1 row:1 intents:1 pending:1");
        _secondary.Count.Should().Be(0, "no after-commit write ran");
        (await Store.RepairLog.ReadPendingAsync("items", 10, Ct)).Select(e => (e.Key, e.Target, e.Version))
            .Should().BeEquivalentTo([(1L, StoreRole.New, 10L), (2L, StoreRole.New, 11L)]);

        var run = await new RepairWorker<long, string>("items", Store, _secondary, Store.RepairLog).RunOnceAsync(Ct);

        run.Should().Be(new RepairRunResult(2, 0));
        (await _secondary.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 10, "placed"));
        (await _secondary.GetAsync(2, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(2, 11));
        (await Store.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().BeEmpty();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CompletedByTheApplication_EndsTheJoin_SoLaterStoreCallsInScopeRunOnTheirOwn(bool commit)
    {
        await using var connection = await OpenApplicationConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var joined = MySqlStoreTransaction.Join(connection, transaction);
        await _decorated.UpsertAsync(new(1, 10, "placed"), Ct);

        await (commit ? transaction.CommitAsync() : transaction.RollbackAsync());

        MySqlStoreTransaction.Current.Should().BeNull("the joined object is still in scope, but its transaction is over");
        (await _decorated.UpsertAsync(new(2, 20, "later"), Ct)).Should().Be(WriteResult.Applied);
        (await _secondary.GetAsync(2, Ct)).Should().Be(new VersionedRecord<long, string>(2, 20, "later"), "a write of its own runs the secondary write right after its commit");
        (await VisibleFromOutsideAsync(2)).Should().Be("order:0 row:1 intents:1 pending:0");
        (await Store.GetAsync(1, Ct)).Should().Be(commit ? new VersionedRecord<long, string>(1, 10, "placed") : null);
        await using var next = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct);
        MySqlStoreTransaction.Current.Should().BeSameAs(next);
    }

    [Fact]
    public async Task SecondaryFailingAfterTheCommit_IsRepaired_UntilItEqualsThePrimary_WithNothingPending()
    {
        var secondaryDown = true;
        _secondary.FaultInjector = operation =>
            secondaryDown && operation is InMemoryStoreOperation.Upsert or InMemoryStoreOperation.Delete ? new TimeoutException("the new store is unreachable") : null;
        await using var connection = await OpenApplicationConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var joined = MySqlStoreTransaction.Join(connection, transaction);
            await using (joined)
            {
                foreach (var key in new long[] { 1, 2, 3 })
                {
                    await PlaceOrderAsync(connection, transaction, key);
                    await _decorated.UpsertAsync(new(key, 10, "placed"), Ct);
                }

                await _decorated.DeleteAsync(3, 11, Ct);

                // The commit succeeds: the secondary's failures after it are the repair log's, not the caller's.
                await joined.CommitAsync(Ct);
            }
        }

        (await PendingAsync()).Should().Be(4);
        _secondary.Count.Should().Be(0);
        var worker = new RepairWorker<long, string>("items", Store, _secondary, Store.RepairLog);
        (await worker.RunOnceAsync(Ct)).Should().Be(new RepairRunResult(0, 4), "a secondary still down keeps every entry pending");
        (await PendingAsync()).Should().Be(4);

        secondaryDown = false;
        var run = await worker.RunOnceAsync(Ct);

        run.Should().Be(new RepairRunResult(4, 0));
        (await ScanAsync(_secondary)).Should().Equal(await ScanAsync(Store));
        (await ScanAsync(_secondary)).Should().Equal(
            new VersionedRecord<long, string>(1, 10, "placed"),
            new VersionedRecord<long, string>(2, 10, "placed"),
            VersionedRecord<long, string>.Tombstone(3, 11));
        (await PendingAsync()).Should().Be(0);
        (await Store.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task DisposedWithoutCommit_LeavesTheApplicationsTransactionOpen_ForTheApplicationToFinish()
    {
        await using var connection = await OpenApplicationConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (MySqlStoreTransaction.Join(connection, transaction))
        {
            await _decorated.UpsertAsync(new(1, 10, "placed"), Ct);
        }

        MySqlStoreTransaction.Current.Should().BeNull();
        (await VisibleFromOutsideAsync(1)).Should().Be("order:0 row:0 intents:0 pending:0", "disposing the joined object neither commits nor rolls back");
        await PlaceOrderAsync(connection, transaction, 1);
        await transaction.CommitAsync();

        (await VisibleFromOutsideAsync(1)).Should().Be("order:1 row:1 intents:1 pending:1", "the store's write was part of the application's transaction all along");
    }

    [Fact]
    public async Task Join_RefusesAClosedConnection()
    {
        await using var connection = await OpenApplicationConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await connection.CloseAsync();

        var join = () => MySqlStoreTransaction.Join(connection, transaction);
        var joinTransaction = () => MySqlStoreTransaction.Join((System.Data.Common.DbTransaction)transaction);

        join.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("connection");
        joinTransaction.Should().Throw<ArgumentException>().WithMessage("*committed or rolled back*");
        MySqlStoreTransaction.Current.Should().BeNull();
    }

    [Fact]
    public async Task Join_RefusesATransactionOfAnotherConnection_OrOneAlreadyCompleted()
    {
        await using var first = await OpenApplicationConnectionAsync();
        await using var second = await OpenApplicationConnectionAsync();
        await using var onFirst = await first.BeginTransactionAsync();
        await using var committed = await second.BeginTransactionAsync();
        await committed.CommitAsync();

        var otherConnection = () => MySqlStoreTransaction.Join(second, onFirst);
        var completed = () => MySqlStoreTransaction.Join(second, committed);

        otherConnection.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("transaction");
        completed.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("transaction");
        MySqlStoreTransaction.Current.Should().BeNull();
    }

    [Fact]
    public async Task Join_RefusesToNestInACurrentStoreTransaction_AndBeginRefusesToNestInAJoinedOne()
    {
        await using var connection = await OpenApplicationConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var begun = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct))
        {
            var join = () => MySqlStoreTransaction.Join(connection, transaction);

            join.Should().Throw<InvalidOperationException>().WithMessage("*do not nest*");
            MySqlStoreTransaction.Current.Should().BeSameAs(begun);
        }

        await using var joined = MySqlStoreTransaction.Join(connection, transaction);
        var joinAgain = () => MySqlStoreTransaction.Join(connection, transaction);
        var begin = async () => await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct);

        joinAgain.Should().Throw<InvalidOperationException>().WithMessage("*do not nest*");
        await begin.Should().ThrowAsync<InvalidOperationException>().WithMessage("*do not nest*");
        MySqlStoreTransaction.Current.Should().BeSameAs(joined);
    }

    [Fact]
    public async Task Join_RefusesATransactionOfAnotherProvider()
    {
        await using var postgres = PostgreSqlServer.CreateDataSource();
        await using var connection = await postgres.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        var join = () => MySqlStoreTransaction.Join(transaction);

        join.Should().Throw<ArgumentException>().WithMessage("*Npgsql*MySqlConnector*");
        MySqlStoreTransaction.Current.Should().BeNull();
    }

    [Fact]
    public async Task StoreOverAnotherDatabase_DoesNotJoin_ButOneOverTheSameDatabaseDoes()
    {
        await using var other = await StoreScratch.CreateAsync("joinedother");
        var otherStore = await other.CreateStoreAsync("items");
        await using var sameDatabase = new MySqlDataSource(MariaDbServer.ConnectionString(b =>
        {
            b.Database = Scratch.Database;
            b.MaximumPoolSize = 3;
        }));
        var sameDatabaseStore = new MySqlVersionedStore<long, string>(sameDatabase, StoreScratch.Mapping("items"), new MySqlRepairLog<long>(sameDatabase, k => k.ToString(System.Globalization.CultureInfo.InvariantCulture), long.Parse));
        await using var connection = await OpenApplicationConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        await using (MySqlStoreTransaction.Join(connection, transaction))
        {
            await otherStore.UpsertAsync(new(1, 1, "its own transaction"), Ct);
            await sameDatabaseStore.UpsertAsync(new(2, 1, "the application's transaction"), Ct);
            await transaction.RollbackAsync();
        }

        (await otherStore.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 1, "its own transaction"), "the other database's write committed on its own");
        (await Store.GetAsync(2, Ct)).Should().BeNull("a store over the same server, account and database writes in the application's transaction, whatever its data source");
    }

    private async Task<MySqlConnection> OpenApplicationConnectionAsync() => await MariaDbServer.OpenAsync(b => b.Database = Scratch.Database);

    private static Task PlaceOrderAsync(MySqlConnection connection, MySqlTransaction transaction, long id) =>
        connection.ExecuteAsync("INSERT INTO orders (id, note) VALUES (@id, @note)", new { id, note = $"order {id}" }, transaction);

    private async Task<string> VisibleFromOutsideAsync(long key)
    {
        await using var connection = await Scratch.OpenAsync();
        var entryKey = key.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var counts = await connection.QuerySingleAsync<(long Orders, long Rows, long Intents, long Pending)>(
            """
            SELECT (SELECT COUNT(*) FROM orders WHERE id = @key),
                   (SELECT COUNT(*) FROM items WHERE id = @key),
                   (SELECT COUNT(*) FROM dualwrite_repair_log WHERE entry_key = @entryKey),
                   (SELECT COUNT(*) FROM dualwrite_repair_log WHERE entry_key = @entryKey AND completed_at IS NULL)
            """,
            new { key, entryKey });
        return $"order:{counts.Orders} row:{counts.Rows} intents:{counts.Intents} pending:{counts.Pending}";
    }

    private Task<long> PendingAsync() => Scratch.CountAsync("SELECT COUNT(*) FROM dualwrite_repair_log WHERE completed_at IS NULL");

    private static async Task<List<VersionedRecord<long, string>>> ScanAsync(IVersionedStore<long, string> store)
    {
        var records = new List<VersionedRecord<long, string>>();
        await foreach (var record in store.ScanAsync(KeyRange<long>.All, 100, Ct))
        {
            records.Add(record);
        }

        return records;
    }
}
