using System.Diagnostics;
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
/// <remarks>Kills and restarts the shared server: run it alone, never beside other suites.</remarks>
[Collection(ServerRestartCollection.Name)]
public sealed class ServerRestartTests
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task ServerKilledUnderAStoreWrite_TheWriteFailsAsConnectionLost_AndTheStoreWorksAgainAfterTheRestart()
    {
        await using var scratch = await StoreScratch.CreateAsync("restart", b =>
        {
            b.MaximumPoolSize = 4;
            b.ConnectionTimeout = 30;
        });
        var store = await scratch.CreateStoreAsync("items");

        // Warm the pool with idle sessions that the restart will kill.
        await Task.WhenAll(Enumerable.Range(1, 4).Select(key => store.UpsertAsync(new(key, 1, "before"), Ct).AsTask()));

        // Another session holds key 1's row lock, so the store's write of key 1 is running on the server when it dies.
        var holder = await MariaDbServer.OpenAsync(b => b.Database = scratch.Database);
        var holding = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("SELECT id FROM items WHERE id = 1 FOR UPDATE", transaction: holding);
        var transaction = await MySqlStoreTransaction.BeginAsync(scratch.DataSource, Ct);
        var blocked = store.UpsertAsync(new(1, 2, "during"), Ct).AsTask();
        await Eventually.WaitUntilAsync(() => WaitsForALockAsync(transaction.Connection.ServerThread), "the store's write to wait for the row lock");

        try
        {
            Process.GetProcessById(MariaDbServer.ServerProcessId()).Kill();
            var error = (await blocked.Invoking(t => t).Should().ThrowAsync<MySqlException>()).Which;
            MySqlErrors.IsConnectionLost(error).Should().BeTrue($"the write lost its connection ({error.Message})");
            var again = async () => await store.UpsertAsync(new(2, 2, "in a dead transaction"), Ct);
            (await again.Should().ThrowAsync<InvalidOperationException>()).Which.InnerException.Should().BeSameAs(error);
            await transaction.DisposeAsync();
            await holder.DisposeAsync();
        }
        finally
        {
            await WaitForExitAsync();
            MariaDbServer.Services("up mariadb");
        }

        // Every idle session of the data source died with the server: the store's next operations need fresh ones.
        (await store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 1, "before"), "the killed write was rolled back");
        (await Task.WhenAll(Enumerable.Range(1, 6).Select(key => store.UpsertAsync(new(key, 3, "after"), Ct).AsTask()))).Should().OnlyContain(r => r == WriteResult.Applied);
        var intent = new RepairEntry<long>(Guid.NewGuid(), "items", 7, StoreRole.New, 3, "pending secondary write", DateTimeOffset.UtcNow);
        (await store.WriteWithIntentAsync(new(7, 3, "after"), intent, _ => ValueTask.CompletedTask, Ct)).Should().Be(WriteResult.Applied);
        (await store.RepairLog.ReadPendingAsync("items", 10, Ct)).Should().Equal(intent);
    }

    private static async Task<bool> WaitsForALockAsync(int serverThread)
    {
        await using var connection = await MariaDbServer.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = @serverThread AND trx_state = 'LOCK WAIT'",
            new { serverThread }) == 1;
    }

    /// <summary>Waits until the killed server's process has exited, so that starting it again does not find it still running.</summary>
    private static Task WaitForExitAsync()
    {
        var pidFile = Path.Combine(MariaDbServer.ServicesDir, "mariadb", "mysqld.pid");
        return Eventually.WaitUntilAsync(
            () =>
            {
                try
                {
                    using var process = Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture));
                    return process.HasExited;
                }
                catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or InvalidOperationException)
                {
                    // No pid file, or no such process: it is gone.
                    return true;
                }
            },
            "the killed server to exit");
    }
}
