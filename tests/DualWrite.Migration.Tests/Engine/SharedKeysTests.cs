using System.Collections.Concurrent;
using DualWrite.Migration.Engine;
using DualWrite.Core.Phases;
using DualWrite.Core.Testing;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.MySql.Stores;
using DualWrite.PostgreSql.Stores;
using DualWrite.Testing;
using MySqlConnector;

namespace DualWrite.Migration.Tests.Engine;

/// <summary>
/// DualWriteReadOld with the catch-up still running as the backstop: the decorator writes the MySQL store and then the
/// PostgreSQL store, the catch-up applies the same changes (and those of a writer that bypasses the application) from
/// the binlog, all on the same hot keys at once. Both write the target through the one versioned table, under one
/// version order, so the target never goes back to an older version of a key and ends equal to the source, version for
/// version.
/// </summary>
public sealed class SharedKeysTests
{
    private const int Keys = 20;

    public sealed record Item(long N, string S);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task CatchUpAndDecoratedWrites_OnTheSameKeys_EndEqualWithoutRegression(int seed)
    {
        await using var rig = await BackfillRig.CreateAsync("bf_shared");
        await rig.ExecuteAsync("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, n BIGINT NOT NULL, s VARCHAR(40) NOT NULL) ENGINE=InnoDB");
        var log = new MySqlRepairLog<int>(rig.Source, k => k.ToString(System.Globalization.CultureInfo.InvariantCulture), int.Parse, table: "dw_repair", database: rig.Database);
        await log.EnsureSchemaAsync(CancellationToken.None);
        var oldStore = new MySqlVersionedStore<int, Item>(rig.Source, new MySqlTableMapping<int, Item>(
            "t",
            new MySqlColumnMap<int>(["id"], k => [k], (r, i) => r.GetInt32(i)),
            new MySqlColumnMap<Item>(["n", "s"], v => [v.N, v.S], (r, i) => new Item(r.GetInt64(i), r.GetString(i + 1))),
            Comparer<int>.Default,
            rig.Database), log);
        await oldStore.EnsureSchemaAsync(CancellationToken.None);

        // The application's rows before the migration, written with plain SQL: the triggers version them.
        await rig.ExecuteAsync("INSERT INTO t (id, n, s) VALUES " + string.Join(", ", Enumerable.Range(1, Keys).Select(i => $"({i}, {i}, 'seed')")));

        var table = await rig.TableAsync("t", chunkSize: 50, version: "_dw_version");
        var runner = rig.Runner(rig.Plan(), table);
        using var stopCatchUp = new CancellationTokenSource();
        var running = runner.RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { WhenCaughtUp = false }, ProgressInterval = TimeSpan.Zero }, stopCatchUp.Token);
        await Eventually.WaitUntilAsync(() => runner.Progress.AppliedPosition is not null || running.IsCompleted, "the catch-up to start");
        running.IsCompleted.Should().BeFalse(running.Exception?.ToString());

        var newStore = new PostgreSqlVersionedStore<int, Item>(rig.Target, new PostgreSqlTableMapping<int, Item>(
            "t",
            new PostgreSqlColumnMap<int>(["id"], k => [k], (r, i) => r.GetInt32(i)),
            new PostgreSqlColumnMap<Item>(["n", "s"], v => [v.N, v.S], (r, i) => new Item(r.GetInt64(i), r.GetString(i + 1))),
            Comparer<int>.Default,
            rig.Schema));
        await newStore.EnsureSchemaAsync(CancellationToken.None);
        var decorator = new DualWriteStore<int, Item>("t", oldStore, newStore, new InMemoryPhaseSource(MigrationPhase.DualWriteReadOld), log);

        using var stop = new CancellationTokenSource();
        var regressions = new ConcurrentQueue<string>();
        var tombstones = table.Target.TombstoneTable;
        var watching = WatchTargetAsync(rig, tombstones, regressions, stop.Token);
        long appOps = 0, outOfBandOps = 0, deadlocks = 0;
        var clock = new VersionClock();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            var random = new Random(seed * 100 + w);
            while (!stop.IsCancellationRequested)
            {
                var key = random.Next(1, Keys + 1);
                var version = clock.Next();
                if (random.Next(10) == 0)
                {
                    await decorator.DeleteAsync(key, version, CancellationToken.None);
                }
                else
                {
                    await decorator.UpsertAsync(new VersionedRecord<int, Item>(key, version, new Item(random.NextInt64(), $"app {w}")), CancellationToken.None);
                }

                Interlocked.Increment(ref appOps);
            }
        })).ToList();
        writers.Add(Task.Run(async () =>
        {
            // Plain SQL that bypasses the application: it reaches the target only through the catch-up.
            var random = new Random(seed);
            await using var connection = await rig.Source.OpenConnectionAsync();
            while (!stop.IsCancellationRequested)
            {
                var key = random.Next(1, Keys + 1);
                var sql = random.Next(8) switch
                {
                    0 => $"DELETE FROM t WHERE id = {key}",
                    1 => $"INSERT INTO t (id, n, s) VALUES ({key}, 0, 'sql insert') ON DUPLICATE KEY UPDATE n = n + 1",
                    _ => $"UPDATE t SET n = n + 1, s = 'sql update' WHERE id = {key}",
                };
                await using var command = new MySqlCommand(sql, connection);
                try
                {
                    await command.ExecuteNonQueryAsync();
                    Interlocked.Increment(ref outOfBandOps);
                }
                catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.LockDeadlock)
                {
                    // InnoDB chose this statement as a deadlock victim; an application retries it, as this one does.
                    Interlocked.Increment(ref deadlocks);
                }
            }
        }));

        // So many writes of both kinds, however long they take.
        await Eventually.WaitUntilAsync(() => Interlocked.Read(ref appOps) >= 1500 && Interlocked.Read(ref outOfBandOps) >= 500 || writers.Any(t => t.IsFaulted) || running.IsCompleted,
            "1500 application writes and 500 plain-SQL writes", TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        await watching;
        running.IsCompleted.Should().BeFalse("the catch-up runs until stopped: " + running.Exception);

        var end = await rig.MasterPositionAsync();
        await Eventually.WaitUntilAsync(() => runner.Progress.AppliedPosition >= end || running.IsCompleted, $"the catch-up to apply up to {end}");
        await stopCatchUp.CancelAsync();
        var stopped = async () => await running;
        await stopped.Should().ThrowAsync<OperationCanceledException>();

        regressions.Should().BeEmpty("no key's version in the target ever goes back");
        Interlocked.Read(ref deadlocks).Should().BeLessThan(Interlocked.Read(ref outOfBandOps), "deadlocks stay the exception");
        (await log.ReadPendingAsync("t", 10, CancellationToken.None)).Should().BeEmpty("every secondary write succeeded");
        var reconciliation = await rig.ReconcileAsync(table);
        reconciliation.Clean.Should().BeTrue(BackfillRig.Describe(reconciliation));
        var sourceVersions = await SourceVersionsAsync(rig);
        var targetVersions = await TargetVersionsAsync(rig, tombstoneTable: null);
        targetVersions.Should().Equal(sourceVersions, "the change feed and the application write the same versions");
    }

    /// <summary>Reads every key's newest version in the target (row or tombstone) over and over, recording any that went down.</summary>
    private static async Task WatchTargetAsync(BackfillRig rig, string tombstoneTable, ConcurrentQueue<string> regressions, CancellationToken cancellationToken)
    {
        var highest = new Dictionary<int, long>();
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var (key, version) in await TargetVersionsAsync(rig, tombstoneTable))
            {
                if (highest.TryGetValue(key, out var seen) && version < seen)
                {
                    regressions.Enqueue($"key {key} went from version {seen} back to {version}");
                }

                // Each drop is reported once.
                highest[key] = version;
            }
        }
    }

    /// <summary>Each key's version in the target: of its row, or with <paramref name="tombstoneTable"/> the newest of row and tombstone.</summary>
    private static async Task<SortedDictionary<int, long>> TargetVersionsAsync(BackfillRig rig, string? tombstoneTable)
    {
        var table = rig.Target;
        var sql = tombstoneTable is not null
            ? $"SELECT id, max(v) FROM (SELECT id, _dw_version AS v FROM \"{rig.Schema}\".t UNION ALL SELECT id, _dw_version FROM \"{rig.Schema}\".\"{tombstoneTable}\") x GROUP BY id"
            : $"SELECT id, _dw_version FROM \"{rig.Schema}\".t";
        var versions = new SortedDictionary<int, long>();
        await using var command = table.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions[reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return versions;
    }

    private static async Task<SortedDictionary<int, long>> SourceVersionsAsync(BackfillRig rig)
    {
        var versions = new SortedDictionary<int, long>();
        await using var connection = await rig.Source.OpenConnectionAsync();
        await using var command = new MySqlCommand("SELECT id, _dw_version FROM t", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions[reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return versions;
    }
}
