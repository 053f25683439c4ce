using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.MySql.Stores;

namespace DualWrite.MySql.Tests.Integration.Stores;

/// <summary>The transactional outbox: a record and its intent commit together or not at all, and the callback follows the commit.</summary>
public sealed class MySqlOutboxTests : StoreTestBase
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public MySqlOutboxTests()
        : base("outbox", withItemsStore: true)
    {
    }


    [Fact]
    public void RepairLog_IsTheLogTheIntentsGoTo()
    {
        Store.RepairLog.Should().BeOfType<MySqlRepairLog<long>>().Which.Table.Should().Be("dualwrite_repair_log");
    }

    [Fact]
    public async Task InTransaction_Rollback_LeavesNeitherRowNorIntent_AndTheCallbackNeverRuns()
    {
        var callback = new CallbackProbe();
        await using (var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct))
        {
            var result = await Store.WriteWithIntentAsync(new(1, 5, "a"), Intent(1, 5), callback.Run, Ct);
            result.Should().Be(WriteResult.Applied);
            await transaction.RollbackAsync(Ct);
        }

        callback.Runs.Should().Be(0);
        await ExpectNothingAsync(1);
    }

    [Fact]
    public async Task InTransaction_Commit_KeepsRowAndPendingIntent_ThenRunsTheCallback()
    {
        var seen = new List<string>();
        await using var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct);
        await Store.WriteWithIntentAsync(new(1, 5, "a"), Intent(1, 5), async _ => seen.Add(await VisibleFromOutsideAsync(1)), Ct);
        seen.Should().BeEmpty("the callback waits for the commit");
        (await VisibleFromOutsideAsync(1)).Should().Be("row:0 intent:0");

        await transaction.CommitAsync(Ct);

        seen.Should().Equal("row:1 intent:1");
        (await Store.RepairLog.HasPendingAsync("items", 1, StoreRole.New, Ct)).Should().BeTrue();
    }

    [Fact]
    public async Task WithoutTransaction_CommitsBeforeTheCallback()
    {
        var seen = new List<string>();

        var result = await Store.WriteWithIntentAsync(new(1, 5, "a"), Intent(1, 5), async _ => seen.Add(await VisibleFromOutsideAsync(1)), Ct);

        result.Should().Be(WriteResult.Applied);
        seen.Should().Equal("row:1 intent:1");
    }

    [Fact]
    public async Task Delete_WithIntent_LeavesTombstoneAndIntent()
    {
        await Store.UpsertAsync(new(1, 5, "a"), Ct);

        var result = await Store.WriteWithIntentAsync(VersionedRecord<long, string>.Tombstone(1, 6), Intent(1, 6), _ => ValueTask.CompletedTask, Ct);

        result.Should().Be(WriteResult.Applied);
        (await Store.GetAsync(1, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(1, 6));
        (await Store.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().ContainSingle().Which.Version.Should().Be(6);
    }

    [Fact]
    public async Task OlderVersion_WritesNoIntent_AndRunsNoCallback()
    {
        await Store.UpsertAsync(new(1, 9, "newer"), Ct);
        var callback = new CallbackProbe();

        var result = await Store.WriteWithIntentAsync(new(1, 5, "late"), Intent(1, 5), callback.Run, Ct);

        result.Should().Be(WriteResult.IgnoredOlderVersion);
        callback.Runs.Should().Be(0);
        (await Store.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task SameVersion_IsARetry_ThatWritesTheIntentAndRunsTheCallback()
    {
        await Store.UpsertAsync(new(1, 5, "a"), Ct);
        var callback = new CallbackProbe();

        var result = await Store.WriteWithIntentAsync(new(1, 5, "a"), Intent(1, 5), callback.Run, Ct);

        result.Should().Be(WriteResult.IgnoredSameVersion);
        callback.Runs.Should().Be(1);
        (await Store.RepairLog.HasPendingAsync("items", 1, StoreRole.New, Ct)).Should().BeTrue();
    }

    [Fact]
    public async Task SameIntentTwice_KeepsOneEntry_AndRunsTheCallbackEachTime()
    {
        var intent = Intent(1, 5);
        var callback = new CallbackProbe();

        await Store.WriteWithIntentAsync(new(1, 5, "a"), intent, callback.Run, Ct);
        var again = await Store.WriteWithIntentAsync(new(1, 5, "a"), intent, callback.Run, Ct);

        again.Should().Be(WriteResult.IgnoredSameVersion);
        callback.Runs.Should().Be(2);
        (await Store.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().Equal(intent);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IntentIdTakenByAnotherEntry_UndoesTheWrite(bool inTransaction)
    {
        var taken = Intent(99, 1);
        await Store.RepairLog.AppendAsync(taken, Ct);
        await Store.UpsertAsync(new(1, 1, "before"), Ct);
        var callback = new CallbackProbe();
        var transaction = inTransaction ? await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct) : null;

        var act = async () => await Store.WriteWithIntentAsync(new(1, 5, "a"), taken with { Key = 1, Version = 5 }, callback.Run, Ct);

        (await act.Should().ThrowAsync<MySqlStoreException>()).Which.Kind.Should().Be(MySqlStoreErrorKind.RepairEntryConflict);
        if (transaction is not null)
        {
            (await Store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 1, "before"), "the write was undone inside the caller's transaction too");
            await transaction.CommitAsync(Ct);
        }

        callback.Runs.Should().Be(0);
        (await Store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 1, "before"));
        (await Store.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().Equal(taken);
    }

    [Fact]
    public async Task ConnectionKilledBeforeCommit_LeavesNeitherRowNorIntent()
    {
        var callback = new CallbackProbe();
        await using var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct);
        await Store.WriteWithIntentAsync(new(1, 5, "a"), Intent(1, 5), callback.Run, Ct);

        await Scratch.ExecuteAsync($"KILL {transaction.Connection.ServerThread}");
        var commit = async () => await transaction.CommitAsync(Ct);

        await commit.Should().ThrowAsync<MySqlException>();
        callback.Runs.Should().Be(0);
        await ExpectNothingAsync(1);
    }

    [Fact]
    public async Task FailingCallback_WithoutTransaction_IsReportedAsAfterCommit()
    {
        var act = async () => await Store.WriteWithIntentAsync(new(1, 5, "a"), Intent(1, 5), _ => throw new TimeoutException("secondary"), Ct);

        (await act.Should().ThrowAsync<MySqlAfterCommitException>()).Which.InnerExceptions.Should().ContainSingle().Which.Should().BeOfType<TimeoutException>();
        (await VisibleFromOutsideAsync(1)).Should().Be("row:1 intent:1");
    }

    private async Task<string> VisibleFromOutsideAsync(long key) =>
        $"row:{await Scratch.CountAsync("SELECT COUNT(*) FROM items WHERE id = ?", key)} " +
        $"intent:{await Scratch.CountAsync("SELECT COUNT(*) FROM dualwrite_repair_log WHERE entry_key = ? AND completed_at IS NULL", key.ToString(System.Globalization.CultureInfo.InvariantCulture))}";

    private async Task ExpectNothingAsync(long key)
    {
        (await VisibleFromOutsideAsync(key)).Should().Be("row:0 intent:0");
        (await Store.GetAsync(key, Ct)).Should().BeNull();
    }

    private static RepairEntry<long> Intent(long key, long version) =>
        new(Guid.NewGuid(), "items", key, StoreRole.New, version, "pending secondary write", At);

    /// <summary>An after-commit callback that counts its calls.</summary>
    private sealed class CallbackProbe
    {
        public int Runs { get; private set; }

        public ValueTask Run(CancellationToken cancellationToken)
        {
            Runs++;
            return ValueTask.CompletedTask;
        }
    }
}
