using System.Diagnostics.Metrics;
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
        // MySqlConnector's own count of the connections each pool holds (idle and in use): every connection opened on a
        // connection string naming the scratch database is counted under that string's pool, the data source's or
        // any other. The server's process list is no measure here: a session closing lingers in it for a while.
        using var pools = new PoolCounts(scratch.Database);
        var store = await scratch.CreateStoreAsync("items");
        var log = (MySqlRepairLog<long>)store.RepairLog;

        var load = Task.WhenAll(Enumerable.Range(1, 16).Select(key => Task.Run(async () =>
        {
            await store.UpsertAsync(new(key, 1, "a"), Ct);
            await store.WriteWithIntentAsync(new(key, 2, "b"), Intent(key, 2), async ct => await log.HasPendingAsync("items", key, StoreRole.New, ct), Ct);
            await store.DeleteAsync(key, 3, Ct);
            await store.GetAsync(key, Ct);
            await log.ReadPendingAsync("items", 10, Ct);
        })));

        // The server's side, for connections no pool counts (an unpooled one): sessions running a statement with the
        // scratch database as their default, sampled from a connection to the shared test database. Idle sessions are
        // left out: one the pool has just closed can linger in the process list a while.
        await using var observer = await MariaDbServer.OpenAsync();
        var busiest = new List<string>();
        do
        {
            var sessions = await ActiveSessionsInAsync(observer, scratch.Database);
            if (sessions.Count > busiest.Count)
            {
                busiest = sessions;
            }
        }
        while (!load.IsCompleted);

        await load;

        var (poolNames, peak) = pools.Observed();
        poolNames.Should().ContainSingle("the store and its log draw on the application's data source only (pools seen: {0})", string.Join("; ", poolNames));
        peak.Should().BeInRange(1, 2, "sixteen concurrent callers share the application's two connections, and the store and its log need nothing beyond them");
        busiest.Count.Should().BeLessThanOrEqualTo(2, "no statement runs on a session beyond the application's pool of two (seen: {0})", string.Join("; ", busiest));
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
    private static async Task<List<string>> ActiveSessionsInAsync(MySqlConnection observer, string database)
    {
        await using var command = new MySqlCommand("SELECT ID, COMMAND, STATE, LEFT(INFO, 60) FROM information_schema.PROCESSLIST WHERE DB = @db AND COMMAND <> 'Sleep'", observer);
        command.Parameters.AddWithValue("@db", database);
        await using var reader = await command.ExecuteReaderAsync();
        var sessions = new List<string>();
        while (await reader.ReadAsync())
        {
            sessions.Add(string.Join(" ", Enumerable.Range(0, 4).Select(i => reader.IsDBNull(i) ? "-" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return sessions;
    }

    /// <summary>MySqlConnector's per-pool counts of connections in use, for the pools whose connection string names one database.</summary>
    private sealed class PoolCounts : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _open = [];
        private readonly HashSet<string> _names = [];
        private long _peak;

        public PoolCounts(string database)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "MySqlConnector" && instrument.Name == "db.client.connections.usage")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((_, change, tags, _) => Record(database, change, tags));
            _listener.SetMeasurementEventCallback<long>((_, change, tags, _) => Record(database, change, tags));
            _listener.Start();
        }

        public (IReadOnlyList<string> Names, long Peak) Observed()
        {
            lock (_open)
            {
                return ([.. _names], _peak);
            }
        }

        public void Dispose() => _listener.Dispose();

        private void Record(string database, long change, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? pool = null;
            string? state = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "pool.name")
                {
                    pool = tag.Value as string;
                }
                else if (tag.Key == "state")
                {
                    state = tag.Value as string;
                }
            }

            if (pool is null || !pool.Contains(database, StringComparison.Ordinal))
            {
                return;
            }

            lock (_open)
            {
                _names.Add(pool);
                if (state == "used")
                {
                    // Connections in use at once, over every pool of the database (idle ones are counted apart, and a
                    // connection moving between the two states is counted in neither sum twice).
                    _open[pool] = _open.GetValueOrDefault(pool) + change;
                    _peak = Math.Max(_peak, _open.Values.Sum());
                }
            }
        }
    }

    private static RepairEntry<long> Intent(long key, long version) =>
        new(Guid.NewGuid(), "items", key, StoreRole.New, version, "pending secondary write", At);
}
