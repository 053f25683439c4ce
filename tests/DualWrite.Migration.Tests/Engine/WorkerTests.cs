using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Reconcile;
using DualWrite.Migration.Tests.Faults;
using DualWrite.MySql.Replication;
using DualWrite.PostgreSql;
using DualWrite.Testing;
using MySqlConnector;

namespace DualWrite.Migration.Tests.Engine;

/// <summary>
/// Several <c>dualwrite backfill run --worker</c> processes on one plan: they share the ranges through claims in the
/// target, exactly one applies the catch-up, and kills, freezes and SIGTERM cost nothing and copy nothing twice. Every
/// wait ends on an event seen in the target's control tables or in a worker's output, never on a time.
/// </summary>
public sealed class WorkerTests
{
    private const int ChunkSize = 500;

    /// <summary>Only a safety net: every wait ends on an observed event long before this.</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task ThreeWorkers_OneKilledMidSnapshot_LeaderKilledMidCatchUp_TargetEqualsSourceAndNoChunkCopiedTwice()
    {
        const int seeded = 40_000;
        await using var rig = await BackfillRig.CreateAsync("bf_workers");
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, seeded);
        var planFile = await FaultBackfill.WritePlanAsync(rig, "workers", onFaultServers: false, ChunkSize, maxRowsPerSecond: 4000);
        var plan = await PlanLoader.LoadAsync(planFile, CancellationToken.None);
        var writer = new SourceWriter(rig.Source, seeded, seed: 21);
        using var stopWriting = new CancellationTokenSource();
        var writing = writer.RunAsync(stopWriting.Token);
        var workers = new Dictionary<string, CliProcess>(StringComparer.Ordinal);
        var random = new Random(21);
        try
        {
            foreach (var id in new[] { "w1", "w2", "w3" })
            {
                workers[id] = StartWorker(planFile, id, follow: true);
            }

            // One worker dies by SIGKILL after it has committed a few chunks, in the middle of the snapshot; it comes back
            // under a new name, as a restarted pod would.
            var victim = $"w{random.Next(1, 4)}";
            var chunks = random.Next(2, 6);
            await workers[victim].WaitForAsync(async () => (await ChunkLog.ReadAsync(rig)).Count(c => c.Worker == victim) >= chunks, $"{chunks} chunks by {victim}", SafetyNet);
            (await CheckpointState.ReadAsync(rig)).SnapshotDone.Should().BeFalse("the kill was to fall inside the snapshot");
            workers[victim].Kill();
            workers.Remove(victim, out var killed);
            killed!.Dispose();
            workers[victim + "b"] = StartWorker(planFile, victim + "b", follow: true);

            // Once the snapshot is done, one worker leads the catch-up; it is killed after it moved the position.
            BackfillStatus status = null!;
            await Eventually.WaitUntilAsync(async () => (status = await BackfillStatus.ReadAsync(plan, rig.Target, CancellationToken.None)) is { LeaderAlive: true, CatchUpStarted: true },
                "a worker leading the catch-up", SafetyNet);
            var leader = status.Leader!;
            workers.Should().ContainKey(leader);
            var moves = new HashSet<string>(StringComparer.Ordinal);
            await workers[leader].WaitForAsync(async () => await CheckpointState.ReadAsync(rig) is { CatchUpPosition: { } p } && moves.Add(p) && moves.Count > 2, "the leader's catch-up moving", SafetyNet);
            await Eventually.WaitUntilAsync(async () => (await BackfillStatus.ReadAsync(plan, rig.Target, CancellationToken.None)).Workers.Select(w => w.Worker).ToHashSet().IsSupersetOf(workers.Keys),
                "every live worker showing in the status (the restarted one registers once it is up)", SafetyNet);
            workers[leader].Kill();
            workers.Remove(leader, out var dead);
            dead!.Dispose();
            await Eventually.WaitUntilAsync(async () => (status = await BackfillStatus.ReadAsync(plan, rig.Target, CancellationToken.None)) is { LeaderAlive: true } s && s.Leader != leader,
                "another worker taking the catch-up over", SafetyNet);
            workers.Should().ContainKey(status.Leader!);

            await stopWriting.CancelAsync();
            await writing;
            var end = await rig.MasterPositionAsync();
            await Eventually.WaitUntilAsync(async () => await CheckpointState.ReadAsync(rig) is { CatchUpAt: { } at } && at >= end, "the new leader applying everything written", SafetyNet);

            foreach (var (id, worker) in workers)
            {
                worker.Terminate();
                (await worker.WaitForExitAsync($"{id} to stop on SIGTERM", SafetyNet)).Should().Be(0, "a --follow worker stopped by SIGTERM exits cleanly:\n{0}", worker.Output);
            }

            var reconciliation = (await PlanReconciler.Create(await ValidatedPlanAsync(rig, plan), rig.SourceConnectionString, rig.Target).RunAsync(BackfillRig.ExpectEqual, null, null, CancellationToken.None)).Entities.Single();
            reconciliation.Clean.Should().BeTrue(BackfillRig.Describe(reconciliation));
            var log = await ChunkLog.ReadAsync(rig);
            ChunkLog.AssertEveryRangeIsOneChain(log, await ChunkLog.RangeRowsAsync(rig));
            log.Select(c => c.Worker).Distinct().Count().Should().BeGreaterThanOrEqualTo(3, "the workers shared the snapshot");
        }
        finally
        {
            await stopWriting.CancelAsync();
            await writing;
            foreach (var worker in workers.Values)
            {
                if (worker.ExitCode is null)
                {
                    worker.Kill();
                }

                worker.Dispose();
            }

            File.Delete(planFile);
        }
    }

    [Fact]
    public async Task FrozenWorker_ItsRangeGoesToAnotherWorkerWhenTheLeaseLapses_AndTheFrozenOneDropsIt()
    {
        const int seeded = 20_000;
        await using var rig = await BackfillRig.CreateAsync("bf_lease");
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, seeded);
        var planFile = await FaultBackfill.WritePlanAsync(rig, "lease", onFaultServers: false, ChunkSize, maxRowsPerSecond: 2000);
        using var a = StartWorker(planFile, "a", follow: false, "--lease", "2s");
        CliProcess? b = null;
        try
        {
            // Freeze A (SIGSTOP) between two chunks while it holds a range: its session stays open, so only the lease can
            // free the range. A freeze that lands inside a chunk's transaction is undone and tried again after A's next chunk.
            int[] held = [];
            for (var attempt = 0; ; attempt++)
            {
                attempt.Should().BeLessThan(50, "A should at some point be frozen between chunks");
                var before = (await ChunkLog.ReadAsync(rig)).Count;
                await a.WaitForAsync(async () => (await ChunkLog.ReadAsync(rig)).Count > before, "a chunk by A", SafetyNet);
                a.Freeze();
                held = await ClaimedRangesAsync(rig, "a");
                if (held.Length > 0 && !await InChunkAsync(rig))
                {
                    break;
                }

                a.Thaw();
            }

            b = StartWorker(planFile, "b", follow: false, "--lease", "2s");
            await b.WaitForAsync(async () => (await ChunkLog.ReadAsync(rig)).Any(c => c.Worker == "b" && held.Contains(c.RangeNo)), "B copying a range A held", SafetyNet);
            a.Thaw();
            await a.WaitForAsync(() => Task.FromResult(a.Output.Contains("was taken over by another worker", StringComparison.Ordinal)), "A noticing it lost the range", SafetyNet);

            (await a.WaitForExitAsync("A to finish", SafetyNet)).Should().Be(0, a.Output);
            (await b.WaitForExitAsync("B to finish", SafetyNet)).Should().Be(0, b.Output);
            ChunkLog.AssertEveryRangeIsOneChain(await ChunkLog.ReadAsync(rig), await ChunkLog.RangeRowsAsync(rig));
            var reconciliation = (await PlanReconciler.Create(await ValidatedPlanAsync(rig, await PlanLoader.LoadAsync(planFile, CancellationToken.None)), rig.SourceConnectionString, rig.Target)
                .RunAsync(BackfillRig.ExpectEqual, null, null, CancellationToken.None)).Entities.Single();
            reconciliation.Clean.Should().BeTrue(BackfillRig.Describe(reconciliation));
        }
        finally
        {
            if (a.ExitCode is null)
            {
                a.Thaw();
                a.Kill();
            }

            if (b is { ExitCode: null })
            {
                b.Kill();
            }

            b?.Dispose();
            File.Delete(planFile);
        }
    }

    [Fact]
    public async Task Sigterm_MidSnapshot_StopsWithItsExitCode_GivesItsRangesBack_AndTheNextRunFinishes()
    {
        const int seeded = 20_000;
        await using var rig = await BackfillRig.CreateAsync("bf_sigterm");
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, seeded);
        var planFile = await FaultBackfill.WritePlanAsync(rig, "sigterm", onFaultServers: false, ChunkSize, maxRowsPerSecond: 4000);
        try
        {
            using (var worker = StartWorker(planFile, "t", follow: false))
            {
                await worker.WaitForAsync(async () => (await ChunkLog.ReadAsync(rig)).Count >= 3, "3 chunks", SafetyNet);
                worker.Terminate();
                (await worker.WaitForExitAsync("the worker to stop on SIGTERM", SafetyNet)).Should().Be(15, worker.Output);
                worker.Output.Should().Contain("Everything committed is checkpointed");
            }

            (await CheckpointState.ReadAsync(rig)).SnapshotDone.Should().BeFalse("SIGTERM came inside the snapshot");
            (await ClaimedRangesAsync(rig, "t")).Should().BeEmpty("a worker stopping gives its ranges back");

            var plan = await ValidatedPlanAsync(rig, await PlanLoader.LoadAsync(planFile, CancellationToken.None));
            await BackfillRunner.Create(plan, rig.SourceConnectionString, rig.Target, rig.Log)
                .RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { At = await rig.MasterPositionAsync() }, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);
            ChunkLog.AssertEveryRangeIsOneChain(await ChunkLog.ReadAsync(rig), await ChunkLog.RangeRowsAsync(rig));
            var reconciliation = (await PlanReconciler.Create(plan, rig.SourceConnectionString, rig.Target).RunAsync(BackfillRig.ExpectEqual, null, null, CancellationToken.None)).Entities.Single();
            reconciliation.Clean.Should().BeTrue(BackfillRig.Describe(reconciliation));
        }
        finally
        {
            File.Delete(planFile);
        }
    }

    private static CliProcess StartWorker(string planFile, string id, bool follow, params string[] more) =>
        CliProcess.Start(["backfill", "run", "--plan", planFile, "--worker", "--worker-id", id, .. follow ? new[] { "--follow" } : [], .. more]);

    private static async Task<int[]> ClaimedRangesAsync(BackfillRig rig, string worker)
    {
        await using var command = rig.Target.CreateCommand(
            $"SELECT range_no FROM {PgNames.Quote(rig.Schema)}.dualwrite_backfill_ranges WHERE claimed_by = @worker AND NOT done ORDER BY range_no");
        command.Parameters.AddWithValue("worker", worker);
        var ranges = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ranges.Add(reader.GetInt32(0));
        }

        return [.. ranges];
    }

    /// <summary>Whether some session is inside a statement or transaction on the rig's schema (a chunk in flight).</summary>
    private static async Task<bool> InChunkAsync(BackfillRig rig)
    {
        await using var command = rig.Target.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)') AND strpos(query, @schema) > 0");
        command.Parameters.AddWithValue("schema", rig.Schema);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    private static async Task<ValidatedPlan> ValidatedPlanAsync(BackfillRig rig, MigrationPlan plan)
    {
        await using var connection = new MySqlConnection(rig.SourceConnectionString);
        await connection.OpenAsync();
        return await PlanValidator.ValidateAsync(plan, connection, CancellationToken.None);
    }
}

/// <summary>The backfill's chunk log in the target: one row per committed chunk.</summary>
internal sealed record ChunkLog(int RangeNo, string AfterKey, string LastKey, int Rows, string Worker)
{
    public static async Task<List<ChunkLog>> ReadAsync(BackfillRig rig)
    {
        await using var command = rig.Target.CreateCommand($"SELECT range_no, after_key, last_key, rows, worker FROM {PgNames.Quote(rig.Schema)}.dualwrite_backfill_chunks");
        var chunks = new List<ChunkLog>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                chunks.Add(new ChunkLog(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4)));
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Before the first worker has set the plan up.
        }

        return chunks;
    }

    /// <summary>Each range's checkpointed row count.</summary>
    public static async Task<Dictionary<int, long>> RangeRowsAsync(BackfillRig rig)
    {
        await using var command = rig.Target.CreateCommand($"SELECT range_no, rows FROM {PgNames.Quote(rig.Schema)}.dualwrite_backfill_ranges");
        var rows = new Dictionary<int, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return rows;
    }

    /// <summary>
    /// No chunk was copied twice: in every range the chunks form one chain from the range's start (each begins after the
    /// key the one before it ended on, and no two begin at the same place), and they add up to the range's checkpoint.
    /// </summary>
    public static void AssertEveryRangeIsOneChain(IReadOnlyList<ChunkLog> chunks, IReadOnlyDictionary<int, long> rangeRows)
    {
        foreach (var (range, expected) in rangeRows)
        {
            var inRange = chunks.Where(c => c.RangeNo == range).ToList();
            inRange.Select(c => c.AfterKey).Should().OnlyHaveUniqueItems("no two chunks of range {0} start at the same key", range);
            var byStart = inRange.ToDictionary(c => c.AfterKey, StringComparer.Ordinal);
            var walked = 0;
            long rows = 0;
            var at = "";
            while (byStart.TryGetValue(at, out var chunk))
            {
                walked++;
                rows += chunk.Rows;
                at = chunk.LastKey;
            }

            walked.Should().Be(inRange.Count, "every chunk of range {0} follows the one before it", range);
            rows.Should().Be(expected, "range {0}'s chunks add up to its checkpoint", range);
        }
    }
}
