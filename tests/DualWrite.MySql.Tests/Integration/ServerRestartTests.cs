using Dapper;
using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.MySql.Stores;
using DualWrite.MySql.Tests.Integration.Stores;
using DualWrite.Testing;

namespace DualWrite.MySql.Tests.Integration;

/// <summary>
/// The server dies under a store write: the write fails as a lost connection, the store transaction it ran in is
/// unusable, and once the server is back the store works again on the same data source, whose idle sessions all died.
/// </summary>
/// <remarks>Kills and restarts <see cref="MariaDbFaultServer"/>, holding <see cref="FaultServerLock"/> so no other test process's fault test runs on it meanwhile.</remarks>
[Collection(ServerRestartCollection.Name)]
public sealed class ServerRestartTests
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task ServerKilledUnderAStoreWrite_TheWriteFailsAsConnectionLost_AndTheStoreWorksAgainAfterTheRestart()
    {
        await using var faultServer = await FaultServerLock.AcquireAsync();
        await using var scratch = await StoreScratch.CreateAsync(
            "restart",
            b =>
            {
                b.MaximumPoolSize = 4;
                b.ConnectionTimeout = 30;
            },
            onFaultServer: true);
        var store = await scratch.CreateStoreAsync("items");

        // Warm the pool with idle sessions that the restart will kill.
        await Task.WhenAll(Enumerable.Range(1, 4).Select(key => store.UpsertAsync(new(key, 1, "before"), Ct).AsTask()));

        // Another session holds key 1's row lock, so the store's write of key 1 is running on the server when it dies.
        var holder = await MariaDbFaultServer.OpenAsync(b => b.Database = scratch.Database);
        var holding = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("SELECT id FROM items WHERE id = 1 FOR UPDATE", transaction: holding);
        var transaction = await MySqlStoreTransaction.BeginAsync(scratch.DataSource, Ct);
        var blocked = store.UpsertAsync(new(1, 2, "during"), Ct).AsTask();
        await Eventually.WaitUntilAsync(() => WaitsForALockAsync(transaction.Connection.ServerThread), "the store's write to wait for the row lock");

        var killing = Task.CompletedTask;
        try
        {
            killing = MariaDbFaultServer.KillAsync();
            var error = (await blocked.Invoking(t => t).Should().ThrowAsync<MySqlException>()).Which;
            MySqlErrors.IsConnectionLost(error).Should().BeTrue($"the write lost its connection ({error.Message})");
            var again = async () => await store.UpsertAsync(new(2, 2, "in a dead transaction"), Ct);
            (await again.Should().ThrowAsync<InvalidOperationException>()).Which.InnerException.Should().BeSameAs(error);
            await transaction.DisposeAsync();
            try
            {
                // MySqlConnector rolls the holder's transaction back on dispose, and its server is gone.
                await holder.DisposeAsync();
            }
            catch (MySqlException ex) when (MySqlErrors.IsConnectionLost(ex))
            {
            }
        }
        finally
        {
            await killing;
            MariaDbFaultServer.Start();
        }

        // Every idle session of the data source died with the server: the store's next operations need fresh ones.
        (await store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 1, "before"), "the killed write was rolled back");
        (await Task.WhenAll(Enumerable.Range(1, 6).Select(key => store.UpsertAsync(new(key, 3, "after"), Ct).AsTask()))).Should().OnlyContain(r => r == WriteResult.Applied);
        // The log keeps times to the microsecond (DATETIME(6)).
        var now = DateTimeOffset.UtcNow;
        var intent = new RepairEntry<long>(Guid.NewGuid(), "items", 7, StoreRole.New, 3, "pending secondary write", now.AddTicks(-(now.Ticks % 10)));
        (await store.WriteWithIntentAsync(new(7, 3, "after"), intent, _ => ValueTask.CompletedTask, Ct)).Should().Be(WriteResult.Applied);
        (await store.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().Equal(intent);
    }

    private static async Task<bool> WaitsForALockAsync(int serverThread)
    {
        await using var connection = await MariaDbFaultServer.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = @serverThread AND trx_state = 'LOCK WAIT'",
            new { serverThread }) == 1;
    }
}
