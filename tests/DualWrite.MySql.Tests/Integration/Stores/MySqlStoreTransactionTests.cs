using DualWrite.Core.Stores;
using DualWrite.MySql.Stores;

namespace DualWrite.MySql.Tests.Integration.Stores;

/// <summary>The ambient store transaction: what joins it, when callbacks run, and what happens when it ends badly.</summary>
public sealed class MySqlStoreTransactionTests : StoreTestBase
{

    public MySqlStoreTransactionTests()
        : base("storetx", withItemsStore: true)
    {
    }

    protected override async Task SetUpAsync()
    {
        await Scratch.ExecuteAsync("CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, note TEXT)");
    }


    [Fact]
    public async Task Begin_MakesItCurrent_ForTheRestOfTheFlow_UntilItEnds()
    {
        MySqlStoreTransaction.Current.Should().BeNull();

        await using (var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct))
        {
            MySqlStoreTransaction.Current.Should().BeSameAs(transaction);
            (await Task.Run(() => MySqlStoreTransaction.Current)).Should().BeSameAs(transaction);
            (await CurrentAfterAwaitAsync()).Should().BeSameAs(transaction);
            await transaction.CommitAsync(Ct);
            MySqlStoreTransaction.Current.Should().BeNull();
        }

        MySqlStoreTransaction.Current.Should().BeNull();
    }

    [Fact]
    public async Task Begin_WhileOneIsCurrent_Throws()
    {
        await using var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct);

        var nested = async () => await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct);

        (await nested.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("nest");
        MySqlStoreTransaction.Current.Should().BeSameAs(transaction);
    }

    [Fact]
    public async Task ApplicationSqlAndStoreWrites_CommitTogether_AndCallbacksRunAfterwardsInOrder()
    {
        var calls = new List<string>();
        await using var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct);
        await StoreScratch.ExecuteAsync(transaction, "INSERT INTO audit (note) VALUES ('placed')");
        await Store.UpsertAsync(new(1, 5, "a"), Ct);
        await Store.DeleteAsync(2, 5, Ct);
        (await Store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 5, "a"), "reads in the transaction see its writes");
        transaction.RegisterAfterCommit(async _ =>
        {
            calls.Add("first:" + await Scratch.CountAsync("SELECT COUNT(*) FROM items") + "/" + await Scratch.CountAsync("SELECT COUNT(*) FROM audit"));
        });
        transaction.RegisterAfterCommit(_ =>
        {
            calls.Add("second:" + (MySqlStoreTransaction.Current is null));
            return ValueTask.CompletedTask;
        });
        (await Scratch.CountAsync("SELECT COUNT(*) FROM items")).Should().Be(0, "nothing is visible outside before the commit");

        await transaction.CommitAsync(Ct);

        calls.Should().Equal("first:1/1", "second:True");
        (await Store.GetAsync(2, Ct))!.IsTombstone.Should().BeTrue();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RollbackOrDisposeWithoutCommit_UndoesEverything_AndDropsTheCallbacks(bool explicitRollback)
    {
        var ran = false;
        await using (var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct))
        {
            await StoreScratch.ExecuteAsync(transaction, "INSERT INTO audit (note) VALUES ('placed')");
            await Store.UpsertAsync(new(1, 5, "a"), Ct);
            transaction.RegisterAfterCommit(_ =>
            {
                ran = true;
                return ValueTask.CompletedTask;
            });
            if (explicitRollback)
            {
                await transaction.RollbackAsync(Ct);
                MySqlStoreTransaction.Current.Should().BeNull();
            }
        }

        ran.Should().BeFalse();
        (await Store.GetAsync(1, Ct)).Should().BeNull();
        (await Scratch.CountAsync("SELECT COUNT(*) FROM audit")).Should().Be(0);
    }

    [Fact]
    public async Task FailingCallback_DoesNotStopTheOthers_AndIsReportedAsAfterCommit()
    {
        var later = false;
        await using var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct);
        await Store.UpsertAsync(new(1, 5, "a"), Ct);
        transaction.RegisterAfterCommit(_ => throw new InvalidOperationException("secondary down"));
        transaction.RegisterAfterCommit(_ =>
        {
            later = true;
            return ValueTask.CompletedTask;
        });

        var commit = async () => await transaction.CommitAsync(Ct);

        var error = (await commit.Should().ThrowAsync<MySqlAfterCommitException>()).Which;
        error.InnerExceptions.Should().ContainSingle().Which.Message.Should().Be("secondary down");
        error.Message.Should().Contain("committed");
        later.Should().BeTrue();
        (await Store.GetAsync(1, Ct)).Should().NotBeNull("the commit stands");
    }

    [Fact]
    public async Task CompletedTransaction_RefusesFurtherUse()
    {
        var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct);
        await transaction.CommitAsync(Ct);

        var commit = async () => await transaction.CommitAsync(Ct);
        var register = () => transaction.RegisterAfterCommit(_ => ValueTask.CompletedTask);

        await commit.Should().ThrowAsync<InvalidOperationException>();
        register.Should().Throw<InvalidOperationException>();
        await transaction.DisposeAsync();
    }

    [Fact]
    public async Task ConcurrentStoreCalls_InOneTransaction_TakeTurnsOnItsConnection()
    {
        await using var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct);

        var results = await Task.WhenAll(Enumerable.Range(1, 12).Select(key => Task.Run(async () => await Store.UpsertAsync(new(key, 1, "x"), Ct))));
        await transaction.CommitAsync(Ct);

        results.Should().OnlyContain(r => r == WriteResult.Applied);
        (await Scratch.CountAsync("SELECT COUNT(*) FROM items")).Should().Be(12);
    }

    [Fact]
    public async Task StoreOverAnotherDataSource_DoesNotJoin()
    {
        await using var otherSource = new MySqlDataSource(Scratch.DataSource.ConnectionString);
        var otherStore = new MySqlVersionedStore<long, string>(otherSource, StoreScratch.Mapping("items"), new MySqlRepairLog<long>(otherSource, k => k.ToString(System.Globalization.CultureInfo.InvariantCulture), long.Parse));

        await using (var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct))
        {
            await otherStore.UpsertAsync(new(1, 1, "own transaction"), Ct);
        }

        (await Store.GetAsync(1, Ct)).Should().NotBeNull("the other data source's write committed on its own");
    }

    [Fact]
    public async Task ApplicationUpdate_InTheTransaction_AfterAStoreWrite_IsStillVersionedByTheTriggers()
    {
        await using var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct);
        await Store.UpsertAsync(new(1, 5, "a"), Ct);

        await StoreScratch.ExecuteAsync(transaction, "UPDATE items SET payload = 'b' WHERE id = 1");
        await transaction.CommitAsync(Ct);

        (await Store.GetAsync(1, Ct))!.Version.Should().BeGreaterThan(5);
    }

    [Fact]
    public async Task DeadlockVictim_MakesTheTransactionUnusable()
    {
        await Store.UpsertAsync(new(1, 1, "a"), Ct);
        await Store.UpsertAsync(new(2, 1, "b"), Ct);
        using var bothLocked = new Barrier(2);

        // Each flow locks one key, then asks for the other's: InnoDB picks one of the two as the deadlock victim.
        async Task<Exception?> CrossAsync(long first, long second)
        {
            await using var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct);
            await Store.UpsertAsync(new(first, 2, "x"), Ct);
            bothLocked.SignalAndWait(TimeSpan.FromSeconds(30));
            try
            {
                await Store.UpsertAsync(new(second, 3, "y"), Ct);
                await transaction.CommitAsync(Ct);
                return null;
            }
            catch (MySqlException ex) when (ex.Number == 1213)
            {
                var again = async () => await Store.UpsertAsync(new(first, 4, "z"), Ct);
                var commit = async () => await transaction.CommitAsync(Ct);
                (await again.Should().ThrowAsync<InvalidOperationException>()).Which.InnerException.Should().BeSameAs(ex);
                await commit.Should().ThrowAsync<InvalidOperationException>();
                return ex;
            }
        }

        var outcomes = await Task.WhenAll(Task.Run(() => CrossAsync(1, 2)), Task.Run(() => CrossAsync(2, 1)));

        outcomes.Count(o => o is not null).Should().Be(1, "one flow is the victim, the other commits");
        (await Store.GetAsync(1, Ct))!.Version.Should().BeOneOf(2, 3);
    }

    private static async Task<MySqlStoreTransaction?> CurrentAfterAwaitAsync()
    {
        await Task.Yield();
        return MySqlStoreTransaction.Current;
    }
}
