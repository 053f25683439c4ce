using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.MySql.Stores;
using DualWrite.MySql.Tests.Integration.Stores;
using DualWrite.Testing;

namespace DualWrite.MySql.Tests.Integration;

/// <summary>
/// One pool: the store and the repair log draw every connection from the application's MySqlConnector data source,
/// so its pool settings bound DualWrite's sessions too, and no store operation needs a second connection while it
/// holds one.
/// </summary>
public sealed class PoolTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task StoreAndRepairLog_UnderConcurrentLoad_OpenNoSessionsBeyondTheApplicationsPool()
    {
        await using var scratch = await StoreScratch.CreateAsync("onepool", b => b.MaximumPoolSize = 2);
        var store = await scratch.CreateStoreAsync("items");
        var log = (MySqlRepairLog<long>)store.RepairLog;

        // Every session with the scratch database as its default is the data source's: the checks below run on a
        // connection to the shared test database.
        var load = Task.WhenAll(Enumerable.Range(1, 16).Select(key => Task.Run(async () =>
        {
            await store.UpsertAsync(new(key, 1, "a"), Ct);
            await store.WriteWithIntentAsync(new(key, 2, "b"), Intent(key, 2), async ct => await log.HasPendingAsync("items", key, StoreRole.New, ct), Ct);
            await store.DeleteAsync(key, 3, Ct);
            await store.GetAsync(key, Ct);
            await log.ReadPendingAsync("items", 10, Ct);
        })));
        await using var observer = await MariaDbServer.OpenAsync();
        var peak = new List<string>();
        async Task SampleAsync()
        {
            var sessions = await SessionsInAsync(observer, scratch.Database);
            if (sessions.Count > peak.Count)
            {
                peak = sessions;
            }
        }

        while (!load.IsCompleted)
        {
            await SampleAsync();
        }

        await load;
        await SampleAsync();
        peak.Count.Should().BeInRange(1, 2, "the store and its log use the application's pool of two and nothing else (seen: {0})", string.Join("; ", peak));
        (await log.ReadPendingAsync("items", 100, Ct)).Should().HaveCount(16, "the load did run: one intent per key");
    }

    [Fact]
    public async Task PoolOfOne_ServesSequentialStoreOperations_TheirCallbacks_AndAStoreTransaction()
    {
        // With a single connection, any operation that opened a second one while holding the first would wait for
        // itself until the connect timeout and fail.
        await using var scratch = await StoreScratch.CreateAsync("poolofone", b =>
        {
            b.MaximumPoolSize = 1;
            b.ConnectionTimeout = 30;
        });
        var store = await scratch.CreateStoreAsync("items");
        var log = (MySqlRepairLog<long>)store.RepairLog;
        var seenByCallback = new List<long?>();

        await store.UpsertAsync(new(1, 1, "a"), Ct);
        await store.WriteWithIntentAsync(new(1, 2, "b"), Intent(1, 2), async ct => seenByCallback.Add((await store.GetAsync(1, ct))?.Version), Ct);
        await using (var transaction = await MySqlStoreTransaction.BeginAsync(scratch.DataSource, Ct))
        {
            await StoreScratch.ExecuteAsync(transaction, "INSERT INTO items (id, payload) VALUES (2, 'app')");
            await store.WriteWithIntentAsync(new(3, 5, "c"), Intent(3, 5), async ct => seenByCallback.Add((await store.GetAsync(3, ct))?.Version), Ct);
            await store.DeleteAsync(1, 4, Ct);
            await log.AppendAsync(Intent(2, 1), Ct);
            await transaction.CommitAsync(Ct);
        }

        await foreach (var record in store.ScanAsync(Core.Stores.KeyRange<long>.All, 1, Ct))
        {
            // A scan holds no connection between batches: a read inside the loop gets the only one.
            (await store.GetAsync(record.Key, Ct)).Should().Be(record);
        }

        seenByCallback.Should().Equal(2L, 5L);
        (await store.GetAsync(1, Ct))!.IsTombstone.Should().BeTrue();
        (await log.ReadPendingAsync("items", 10, Ct)).Select(e => e.Key).Should().BeEquivalentTo([1L, 3L, 2L]);
    }

    /// <summary>The server's sessions on <paramref name="database"/>, described (id, command, state, statement) for the failure message.</summary>
    private static async Task<List<string>> SessionsInAsync(MySqlConnection observer, string database)
    {
        await using var command = new MySqlCommand("SELECT ID, COMMAND, STATE, LEFT(INFO, 60) FROM information_schema.PROCESSLIST WHERE DB = @db", observer);
        command.Parameters.AddWithValue("@db", database);
        await using var reader = await command.ExecuteReaderAsync();
        var sessions = new List<string>();
        while (await reader.ReadAsync())
        {
            sessions.Add(string.Join(" ", Enumerable.Range(0, 4).Select(i => reader.IsDBNull(i) ? "-" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return sessions;
    }

    private static RepairEntry<long> Intent(long key, long version) =>
        new(Guid.NewGuid(), "items", key, StoreRole.New, version, "pending secondary write", At);
}
