using System.Globalization;
using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.PostgreSql.Stores;
using DualWrite.Testing;

namespace DualWrite.PostgreSql.Tests.Integration;

/// <summary>The transactional outbox in PostgreSQL: a record and its intent commit together or not at all, and the callback follows the commit.</summary>
public sealed class PostgreSqlOutboxTests : StoreTestBase
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private PostgreSqlOutboxStore<long, string>? _outbox;

    public PostgreSqlOutboxTests()
        : base("outbox")
    {
    }

    private PostgreSqlOutboxStore<long, string> Outbox => _outbox ?? throw new InvalidOperationException("Call SetUpAsync first.");

    [Fact]
    public async Task OnlyTheOutboxType_IsAnOutbox_AndItsLogIsTheOneTheDecoratorMustShare()
    {
        await SetUpAsync();

        Outbox.Store.Should().NotBeAssignableTo<IOutboxStore<long, string>>("the decorator takes the outbox path for any IOutboxStore");
        ((IOutboxStore<long, string>)Outbox).RepairLog.Should().BeSameAs(Outbox.RepairLog);
    }

    [Fact]
    public async Task LogOverAnotherDataSource_IsRejected()
    {
        await SetUpAsync();
        await using var other = PostgreSqlServer.CreateDataSource();
        var log = new PostgreSqlRepairLog<long>(other, k => k.ToString(CultureInfo.InvariantCulture), long.Parse, schema: Scratch.Schema);

        var act = () => new PostgreSqlOutboxStore<long, string>(Outbox.Store, log);

        act.Should().Throw<ArgumentException>().WithMessage("*same instance*");
    }

    [Fact]
    public async Task Write_CommitsRecordAndIntentTogether_BeforeTheCallback()
    {
        await SetUpAsync();
        var seen = new List<string>();

        var result = await Outbox.WriteWithIntentAsync(Live(1, 5, "a"), Intent(1, 5), async _ => seen.Add(await VisibleFromOutsideAsync(1)), Ct);

        result.Should().Be(WriteResult.Applied);
        seen.Should().Equal("row:1 intent:1");
        (await Outbox.GetAsync(1, Ct)).Should().Be(Live(1, 5, "a"));
        (await Outbox.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().ContainSingle().Which.Target.Should().Be(StoreRole.Old);
    }

    [Fact]
    public async Task MidTransaction_NeitherRecordNorIntentIsVisible_AndAKilledConnectionLeavesNeither()
    {
        await SetUpAsync();
        var callback = new CallbackProbe();

        // Hold the log's table so that the outbox's intent insert waits after its record write, inside its transaction.
        await using var blocker = await Scratch.DataSource.OpenConnectionAsync(Ct);
        await using var blocking = await blocker.BeginTransactionAsync(Ct);
        await Execute(blocker, $"LOCK TABLE {LogTable} IN EXCLUSIVE MODE");
        var write = Task.Run(async () => await Outbox.WriteWithIntentAsync(Live(1, 5, "a"), Intent(1, 5), callback.Run, Ct));
        var writer = await WaitForWaiterAsync(write);

        (await VisibleFromOutsideAsync(1)).Should().Be("row:0 intent:0", "the record is written but not committed");
        await Execute(blocker, $"SELECT pg_terminate_backend({writer})");
        await blocking.CommitAsync(Ct);

        var outcome = async () => await write;
        await outcome.Should().ThrowAsync<Exception>();
        callback.Runs.Should().Be(0);
        (await VisibleFromOutsideAsync(1)).Should().Be("row:0 intent:0");
        (await Outbox.GetAsync(1, Ct)).Should().BeNull();
    }

    [Fact]
    public async Task Delete_WithIntent_LeavesTombstoneAndIntent()
    {
        await SetUpAsync();
        await Outbox.UpsertAsync(Live(1, 5, "a"), Ct);

        var result = await Outbox.WriteWithIntentAsync(Tombstone(1, 6), Intent(1, 6), _ => ValueTask.CompletedTask, Ct);

        result.Should().Be(WriteResult.Applied);
        (await Outbox.GetAsync(1, Ct)).Should().Be(Tombstone(1, 6));
        (await Outbox.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().ContainSingle().Which.Version.Should().Be(6);
    }

    [Fact]
    public async Task OlderVersion_WritesNoIntent_AndRunsNoCallback()
    {
        await SetUpAsync();
        await Outbox.UpsertAsync(Live(1, 9, "newer"), Ct);
        var callback = new CallbackProbe();

        var result = await Outbox.WriteWithIntentAsync(Live(1, 5, "late"), Intent(1, 5), callback.Run, Ct);

        result.Should().Be(WriteResult.IgnoredOlderVersion);
        callback.Runs.Should().Be(0);
        (await Outbox.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().BeEmpty();
        (await Outbox.GetAsync(1, Ct)).Should().Be(Live(1, 9, "newer"));
    }

    [Fact]
    public async Task SameVersion_IsARetry_ThatWritesTheIntentAndRunsTheCallback()
    {
        await SetUpAsync();
        await Outbox.UpsertAsync(Live(1, 5, "a"), Ct);
        var callback = new CallbackProbe();

        var result = await Outbox.WriteWithIntentAsync(Live(1, 5, "a"), Intent(1, 5), callback.Run, Ct);

        result.Should().Be(WriteResult.IgnoredSameVersion);
        callback.Runs.Should().Be(1);
        (await Outbox.RepairLog.HasPendingAsync("items", 1, StoreRole.Old, Ct)).Should().BeTrue();
    }

    [Fact]
    public async Task SameIntentTwice_KeepsOneEntry_AndRunsTheCallbackEachTime()
    {
        await SetUpAsync();
        var intent = Intent(1, 5);
        var callback = new CallbackProbe();

        await Outbox.WriteWithIntentAsync(Live(1, 5, "a"), intent, callback.Run, Ct);
        var again = await Outbox.WriteWithIntentAsync(Live(1, 5, "a"), intent, callback.Run, Ct);

        again.Should().Be(WriteResult.IgnoredSameVersion);
        callback.Runs.Should().Be(2);
        (await Outbox.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().Equal(intent);
    }

    [Fact]
    public async Task IntentIdTakenByAnotherEntry_UndoesTheWrite()
    {
        await SetUpAsync();
        var taken = Intent(99, 1);
        await Outbox.RepairLog.AppendAsync(taken, Ct);
        await Outbox.UpsertAsync(Live(1, 1, "before"), Ct);
        var callback = new CallbackProbe();

        var act = async () => await Outbox.WriteWithIntentAsync(Live(1, 5, "a"), taken with { Key = 1, Version = 5 }, callback.Run, Ct);

        (await act.Should().ThrowAsync<PostgreSqlStoreException>()).Which.Kind.Should().Be(PostgreSqlStoreErrorKind.RepairEntryConflict);
        callback.Runs.Should().Be(0);
        (await Outbox.GetAsync(1, Ct)).Should().Be(Live(1, 1, "before"));
        (await Outbox.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().Equal(taken);
    }

    [Fact]
    public async Task LogTableDropped_TheWriteFailsNamingTheLog_AndIsUndone()
    {
        await SetUpAsync();
        await Outbox.UpsertAsync(Live(1, 1, "before"), Ct);
        await Scratch.ExecuteAsync($"DROP TABLE {LogTable}");
        var callback = new CallbackProbe();

        var act = async () => await Outbox.WriteWithIntentAsync(Live(1, 5, "a"), Intent(1, 5), callback.Run, Ct);

        var error = (await act.Should().ThrowAsync<PostgreSqlStoreException>()).Which;
        error.Kind.Should().Be(PostgreSqlStoreErrorKind.TableMissing);
        error.Table.Should().Be(Scratch.Schema + ".dualwrite_repair_log");
        callback.Runs.Should().Be(0);
        (await Outbox.GetAsync(1, Ct)).Should().Be(Live(1, 1, "before"), "the record was written first, then undone with the transaction");
    }

    [Fact]
    public async Task RowTheTableCannotHold_LeavesNeitherRecordNorIntent()
    {
        await SetUpAsync();
        await Scratch.ExecuteAsync($"ALTER TABLE \"{Scratch.Schema}\".items ADD CONSTRAINT short_payload CHECK (length(payload) < 10)");
        var callback = new CallbackProbe();

        var act = async () => await Outbox.WriteWithIntentAsync(Live(1, 5, "far too long a payload"), Intent(1, 5), callback.Run, Ct);

        (await act.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.CheckViolation);
        callback.Runs.Should().Be(0);
        (await VisibleFromOutsideAsync(1)).Should().Be("row:0 intent:0");
    }

    [Fact]
    public async Task IntentTheLogCannotHold_IsRejectedBeforeAnythingIsSent()
    {
        await SetUpAsync();

        var act = async () => await Outbox.WriteWithIntentAsync(Live(1, 5, "a"), Intent(1, 5) with { Entity = new string('e', 129) }, _ => ValueTask.CompletedTask, Ct);

        await act.Should().ThrowAsync<ArgumentException>();
        (await Outbox.GetAsync(1, Ct)).Should().BeNull();
    }

    [Fact]
    public async Task FailingCallback_IsReportedAsAfterCommit_AndTheWriteStays()
    {
        await SetUpAsync();

        var act = async () => await Outbox.WriteWithIntentAsync(Live(1, 5, "a"), Intent(1, 5), _ => throw new TimeoutException("old store"), Ct);

        (await act.Should().ThrowAsync<PostgreSqlAfterCommitException>()).WithInnerException<TimeoutException>();
        (await VisibleFromOutsideAsync(1)).Should().Be("row:1 intent:1");
    }

    [Fact]
    public async Task ConcurrentWritesOfOneKey_EndWithTheNewest_AndLogAnIntentForEveryWriteNotOutrun()
    {
        await SetUpAsync();
        var versions = Enumerable.Range(1, 40).Select(v => (long)v).OrderBy(_ => Random.Shared.Next()).ToList();
        var results = new System.Collections.Concurrent.ConcurrentDictionary<long, WriteResult>();

        await Parallel.ForEachAsync(versions, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (version, ct) =>
            results[version] = await Outbox.WriteWithIntentAsync(Live(1, version), Intent(1, version), _ => ValueTask.CompletedTask, ct));

        (await Outbox.GetAsync(1, Ct)).Should().Be(Live(1, 40));
        var logged = (await Outbox.RepairLog.ReadPendingAsync("items", 100, Ct)).Select(e => e.Version);
        logged.Should().BeEquivalentTo(results.Where(r => r.Value != WriteResult.IgnoredOlderVersion).Select(r => r.Key));
        results.Values.Should().NotContain(WriteResult.IgnoredSameVersion);
    }

    private string LogTable => $"\"{Scratch.Schema}\".dualwrite_repair_log";

    private async Task SetUpAsync() => _outbox = await Scratch.CreateOutboxStoreAsync("items");

    /// <summary>Waits until a backend waits for a lock on the log's table (the outbox's insert), and returns its process id.</summary>
    private async Task<int> WaitForWaiterAsync(Task write)
    {
        var pid = 0;
        await Eventually.WaitUntilAsync(
            async () =>
            {
                if (write.IsCompleted)
                {
                    await write;
                    throw new InvalidOperationException("The write finished without waiting for the log's table.");
                }

                await using var command = Scratch.DataSource.CreateCommand($"SELECT pid FROM pg_locks WHERE relation = '{LogTable.Replace("'", "''", StringComparison.Ordinal)}'::regclass AND NOT granted");
                pid = await command.ExecuteScalarAsync(Ct) is int found ? found : 0;
                return pid != 0;
            },
            "the outbox's intent insert to wait for the log's table");
        return pid;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string> VisibleFromOutsideAsync(long key) =>
        $"row:{await Scratch.CountAsync($"SELECT count(*) FROM \"{Scratch.Schema}\".items WHERE id = {key}")} " +
        $"intent:{await Scratch.CountAsync($"SELECT count(*) FROM {LogTable} WHERE entry_key = '{key}' AND completed_at IS NULL")}";

    private static RepairEntry<long> Intent(long key, long version) =>
        new(Guid.NewGuid(), "items", key, StoreRole.Old, version, "secondary write pending", At);

    /// <summary>An after-commit callback that counts its calls.</summary>
    private sealed class CallbackProbe
    {
        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public ValueTask Run(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _runs);
            return ValueTask.CompletedTask;
        }
    }
}
