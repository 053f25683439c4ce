using System.Diagnostics;
using System.Net;
using System.Text;
using DualWrite.Cli;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Tests.Engine;
using DualWrite.PostgreSql;
using DualWrite.Testing;
using MySqlConnector;
using Npgsql;
using Xunit.Abstractions;

namespace DualWrite.Migration.Tests.Faults;

/// <summary>
/// The campaign's bad inputs: mutated plan files, wrong credentials, a purged binlog, an event damaged in flight and a
/// DDL statement in the middle of a run. Each must end in a typed error (a plan problem, a documented exit code with a
/// message naming what is wrong) with nothing written that should not be, and the state must be whole again once the
/// operator has done what the error says.
/// </summary>
[Trait("Category", FaultCampaign.Category)]
public sealed class BadInputFaults(ITestOutputHelper output)
{
    private const int Seeded = 2_000;

    /// <summary>The exit codes `plan validate` documents (docs/migration-plans.md), and the requirement a source may not meet.</summary>
    private static readonly int[] PlanExitCodes = [ExitCodes.Success, ExitCodes.InvalidArguments, ExitCodes.ConnectionFailed, ExitCodes.ServerError, ExitCodes.RequirementNotMet, ExitCodes.InvalidPlan];

    [Fact]
    public async Task MutatedPlanFiles_GiveTypedProblemsOnly()
    {
        var mutants = FaultCampaign.Runs(500, 10_000);
        var throughCli = FaultCampaign.Runs(6, 60);
        var root = MariaDbServer.RepositoryRoot();
        string[] originals = [await File.ReadAllTextAsync(Path.Combine(root, "migration-plans", "orders.yaml")), await File.ReadAllTextAsync(Path.Combine(root, "migration-plans", "sbtest.yaml"))];
        var directory = Directory.CreateTempSubdirectory("dualwrite-mutants-");
        var failures = new List<string>();
        var (valid, problems) = (0, 0);
        var cliRuns = new List<string>();
        try
        {
            for (var i = 0; i < mutants; i++)
            {
                var (bytes, edits) = PlanMutator.Mutate(originals[i % originals.Length], 4242, i);
                var file = Path.Combine(directory.FullName, $"mutant-{i}.yaml");
                await File.WriteAllBytesAsync(file, bytes);
                MigrationPlan? plan = null;
                try
                {
                    plan = await PlanLoader.LoadAsync(file, CancellationToken.None);
                    valid++;
                }
                catch (PlanException ex)
                {
                    problems++;
                    if (ex.Problems.Any(p => string.IsNullOrWhiteSpace(p.Message) || string.IsNullOrWhiteSpace(p.Subject)) || !ex.Message.Contains(file, StringComparison.Ordinal))
                    {
                        failures.Add($"mutant {i} ({edits}): a problem without its place, subject or message: {ex.Message}");
                    }
                }
                catch (Exception ex)
                {
                    failures.Add($"mutant {i} ({edits}): {ex.GetType().Name}: {ex.Message}");
                }

                // Some go the whole way through the CLI, which also checks them against the live source: only mutants
                // that keep every server on loopback, so the campaign never leaves the machine.
                if (cliRuns.Count < throughCli && i % (mutants / throughCli) == 0 && (plan is null || (OnLoopback(plan.Source) && OnLoopback(plan.Target))))
                {
                    using var cli = CliProcess.Start("plan", "validate", file);
                    var exit = await cli.WaitForExitAsync($"plan validate of mutant {i}", FaultBackfill.SafetyNet);
                    cliRuns.Add($"exit {exit}");
                    if (!PlanExitCodes.Contains(exit) || cli.Output.Contains("Unhandled exception", StringComparison.Ordinal) || cli.Output.Contains(MariaDbServer.Password, StringComparison.Ordinal))
                    {
                        failures.Add($"mutant {i} ({edits}) through the CLI: exit {exit}: {cli.Output}");
                    }
                }
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        var row = new FaultResult(
            "bad input: mutated plan files",
            mutants,
            mutants - failures.Count(f => !f.Contains("through the CLI", StringComparison.Ordinal)),
            0,
            0,
            null,
            $"{problems:N0} typed plan problems, {valid:N0} still valid; {cliRuns.Count} also through `plan validate` against the live source ({Tally(cliRuns)})");
        output.WriteLine(FaultCampaign.Record(row));
        failures.Should().BeEmpty();
        problems.Should().BeGreaterThan(mutants / 2, "most mutants break the plan");
        cliRuns.Should().NotBeEmpty();
    }

    [Fact]
    public async Task WrongCredentials_ExitConnectionFailed_WithoutThePassword_AndNothingWritten()
    {
        var runs = FaultCampaign.Runs(1, 5);
        var failures = new List<string>();
        var seen = new List<string>();
        for (var run = 0; run < runs; run++)
        {
            foreach (var side in new[] { "MariaDB", "PostgreSQL" })
            {
                await using var rig = await SeededRigAsync("bc", 100);
                var planFile = await FaultBackfill.WritePlanAsync(rig, $"creds-{run}", onFaultServers: false, FaultBackfill.ChunkSize, maxRowsPerSecond: 5000);
                var wrong = $"wrong-{Guid.NewGuid():N}";
                var environment = side == "MariaDB"
                    ? new Dictionary<string, string?> { ["DUALWRITE_MYSQL_PASSWORD"] = wrong }
                    : new Dictionary<string, string?> { ["DUALWRITE_TEST_PG"] = PostgreSqlServer.ConnectionString(b => b.Password = wrong) };
                try
                {
                    using var cli = CliProcess.Start(environment, "backfill", "run", "--plan", planFile);
                    var exit = await cli.WaitForExitAsync($"backfill run with a wrong {side} password", FaultBackfill.SafetyNet);
                    var tables = await TablesInAsync(rig.Target, rig.Schema);
                    seen.Add($"{side}: exit {exit}");
                    if (exit != ExitCodes.ConnectionFailed || !cli.Output.Contains("error", StringComparison.Ordinal) || cli.Output.Contains(wrong, StringComparison.Ordinal) || tables > 0)
                    {
                        failures.Add($"{side}: exit {exit} (expected {ExitCodes.ConnectionFailed}), {tables} tables created in the target; output: {cli.Output.Replace(wrong, "***", StringComparison.Ordinal)}");
                    }
                }
                finally
                {
                    File.Delete(planFile);
                }
            }
        }

        var row = new FaultResult("bad input: wrong MariaDB / PostgreSQL password", 2 * runs, (2 * runs) - failures.Count, 0, 0, null,
            $"{Tally(seen)}; no password printed, nothing created in the target");
        output.WriteLine(FaultCampaign.Record(row));
        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task PurgedBinlog_ExitsResnapshotNeeded_WithNothingWritten_AndAReSnapshotEndsEqual()
    {
        await using var faults = await FaultServerLock.AcquireAsync();
        var runs = FaultCampaign.Runs(1, 5);
        var outcomes = new List<FaultOutcome>();
        var seen = new List<string>();
        for (var run = 0; run < runs; run++)
        {
            await using var backfill = await FaultBackfill.StartAsync("bp", Seeded, 3100 + run, onFaultServers: true, maxRowsPerSecond: 20_000);
            using (var first = backfill.Start(follow: false))
            {
                (await first.WaitForExitAsync("the first backfill run to catch up", FaultBackfill.SafetyNet)).Should().Be(0, first.Output);
            }

            var before = await backfill.StateAsync();
            var checkpointFile = before.CatchUpAt?.File ?? "(no catch-up checkpoint)";
            var rowsBefore = await TargetTextAsync(backfill.Rig);

            // Writes land in binlogs that are then purged, with the one the checkpoint names.
            await backfill.Rig.ExecuteAsync("UPDATE t SET val = 'written before the purge' WHERE id = 1");
            await PurgeAsync(checkpointFile);
            var sincePurge = Stopwatch.StartNew();

            var problems = new List<string>();
            using (var resumed = backfill.Start(follow: false))
            {
                var exit = await resumed.WaitForExitAsync("backfill run from a purged position", FaultBackfill.SafetyNet);
                seen.Add($"exit {exit}");
                if (exit != ExitCodes.ResnapshotNeeded || !resumed.Output.Contains(checkpointFile, StringComparison.Ordinal) || !resumed.Output.Contains("--resnapshot", StringComparison.Ordinal))
                {
                    problems.Add($"exit {exit} (expected {ExitCodes.ResnapshotNeeded}, naming {checkpointFile} and --resnapshot): {resumed.Output}");
                }
            }

            var after = await backfill.StateAsync();
            if (after != before || await TargetTextAsync(backfill.Rig) != rowsBefore)
            {
                problems.Add($"the refused run wrote: checkpoint {before} became {after}, or the target's rows changed");
            }

            // What the error says to do: re-snapshot. The writer keeps writing meanwhile; FinishAsync stops it and checks.
            using (var resnapshot = CliProcess.Start("backfill", "run", "--plan", backfill.PlanFile, "--resnapshot"))
            {
                var exit = await resnapshot.WaitForExitAsync("the re-snapshot", FaultBackfill.SafetyNet);
                if (exit != 0)
                {
                    problems.Add($"the re-snapshot exited with {exit}: {resnapshot.Output}");
                }
            }

            var outcome = await backfill.FinishAsync(sincePurge);
            outcomes.Add(outcome with { Passed = outcome.Passed && problems.Count == 0, Problems = string.Join("; ", problems.Append(outcome.Problems)) });
        }

        RecordAndAssert("bad input: purged binlog at the checkpoint", outcomes, $"{Tally(seen)} (ResnapshotNeeded), target untouched; recovered by backfill run --resnapshot");
    }

    [Fact]
    public async Task EventDamagedInFlight_StopsTyped_WithNothingOfItApplied_AndAResumeEndsEqual()
    {
        var runs = FaultCampaign.Runs(1, 5);
        var outcomes = new List<FaultOutcome>();
        var seen = new List<string>();
        for (var run = 0; run < runs; run++)
        {
            await using var proxy = new CorruptingProxy((int)MariaDbServer.Port);
            await using var rig = await SeededRigAsync("bx", Seeded);
            var planFile = Path.Combine(Path.GetTempPath(), $"plan-{rig.Database}.yaml");
            await File.WriteAllTextAsync(planFile, $"""
                name: corrupt-{run}
                source:
                  connectionStringEnv: DUALWRITE_TEST_SOURCE_PROXY
                target:
                  connectionStringEnv: DUALWRITE_TEST_PG
                  schema: {rig.Schema}
                backfill: {"{"} chunkSize: {FaultBackfill.ChunkSize}, parallelism: 2 {"}"}
                entities:
                  - table: t
                """);
            // The proxy reads the protocol's framing, so this path runs without TLS.
            var environment = new Dictionary<string, string?>
            {
                ["DUALWRITE_TEST_SOURCE_PROXY"] = MariaDbServer.ConnectionString(b =>
                {
                    b.Port = (uint)proxy.Port;
                    b.Database = rig.Database;
                    b.SslMode = MySqlSslMode.None;
                    b.SslCa = "";
                }),
            };
            try
            {
                var problems = new List<string>();
                using (var cli = CliProcess.Start(environment, "backfill", "run", "--plan", planFile, "--follow"))
                {
                    await cli.WaitForAsync(async () => cli.Output.Contains("catch-up:", StringComparison.Ordinal) && await CheckpointState.ReadAsync(rig) is { SnapshotDone: true }, "the catch-up", FaultBackfill.SafetyNet);
                    proxy.Arm();
                    await rig.ExecuteAsync("UPDATE t SET val = 'damaged in flight' WHERE id = 7");
                    var exit = await cli.WaitForExitAsync("the catch-up to stop at the damaged event", FaultBackfill.SafetyNet);
                    seen.Add($"exit {exit}");
                    if (exit != ExitCodes.BinlogCorrupt || !cli.Output.Contains("checksum", StringComparison.OrdinalIgnoreCase) || proxy.Corrupted != 1)
                    {
                        problems.Add($"exit {exit} (expected {ExitCodes.BinlogCorrupt}, naming the checksum), {proxy.Corrupted} events damaged: {cli.Output}");
                    }
                }

                if (await rig.TargetScalarAsync<string>($"SELECT val FROM {PgNames.Quote(rig.Schema)}.t WHERE id = 7") != "seed 7")
                {
                    problems.Add("the damaged event's row was applied");
                }

                // Run again: the stream is read afresh from the checkpoint, which is before the damaged event.
                var sinceFault = Stopwatch.StartNew();
                using (var resumed = CliProcess.Start(environment, "backfill", "run", "--plan", planFile))
                {
                    var exit = await resumed.WaitForExitAsync("the resumed backfill", FaultBackfill.SafetyNet);
                    if (exit != 0)
                    {
                        problems.Add($"the resume exited with {exit}: {resumed.Output}");
                    }
                }

                var plan = await rig.ValidateAsync(await PlanLoader.LoadAsync(planFile, CancellationToken.None));
                var reconciled = (await DualWrite.Migration.Reconcile.PlanReconciler.Create(plan, rig.SourceConnectionString, rig.Target).RunAsync(BackfillRig.ExpectEqual, null, null, CancellationToken.None)).Entities.Single();
                var dump = await DumpComparison.RunAsync(rig, onFaultServers: false);
                if (await rig.TargetScalarAsync<string>($"SELECT val FROM {PgNames.Quote(rig.Schema)}.t WHERE id = 7") != "damaged in flight")
                {
                    problems.Add("the resume did not apply the event the damaged copy carried");
                }

                var differences = reconciled.Missing + reconciled.Extra + reconciled.Differing + reconciled.Lagging + dump.DifferingLines;
                if (differences > 0)
                {
                    problems.Add($"reconciler: {BackfillRig.Describe(reconciled)}; dumps: {dump.Output}");
                }

                outcomes.Add(new FaultOutcome(problems.Count == 0, dump.SourceOnly, differences, sinceFault.Elapsed, 0, string.Join("; ", problems)));
            }
            finally
            {
                File.Delete(planFile);
            }
        }

        RecordAndAssert("bad input: row event damaged in flight", outcomes, $"{Tally(seen)} (BinlogCorrupt, checksum), nothing of it applied; recovered by backfill run again");
    }

    [Fact]
    public async Task DdlMidRun_StopsNamingTheStatement_WithNothingPastItApplied()
    {
        var runs = FaultCampaign.Runs(1, 3);
        var outcomes = new List<FaultOutcome>();
        var seen = new List<string>();
        for (var run = 0; run < runs; run++)
        {
            await using var rig = await SeededRigAsync("bd", Seeded);
            var planFile = await FaultBackfill.WritePlanAsync(rig, $"ddl-{run}", onFaultServers: false, FaultBackfill.ChunkSize, maxRowsPerSecond: 20_000);
            try
            {
                var problems = new List<string>();
                using (var cli = CliProcess.Start("backfill", "run", "--plan", planFile, "--follow"))
                {
                    await cli.WaitForAsync(async () => cli.Output.Contains("catch-up:", StringComparison.Ordinal) && await CheckpointState.ReadAsync(rig) is { SnapshotDone: true }, "the catch-up", FaultBackfill.SafetyNet);
                    await rig.ExecuteAsync("UPDATE t SET val = 'before the DDL' WHERE id = 5");
                    await rig.ExecuteAsync("ALTER TABLE t ADD COLUMN note VARCHAR(10) NULL");
                    await rig.ExecuteAsync("UPDATE t SET val = 'after the DDL' WHERE id = 6");
                    var exit = await cli.WaitForExitAsync("the catch-up to stop at the DDL", FaultBackfill.SafetyNet);
                    seen.Add($"exit {exit}");
                    if (exit != ExitCodes.BackfillStopped || !Unwrapped(cli).Contains($"{rig.Database}.t", StringComparison.Ordinal) || !Unwrapped(cli).Contains("ALTER TABLE t ADD COLUMN note", StringComparison.Ordinal))
                    {
                        problems.Add($"exit {exit} (expected {ExitCodes.BackfillStopped}, naming the table and statement): {cli.Output}");
                    }
                }

                var checkpoint = await CheckpointState.ReadAsync(rig);
                using (var again = CliProcess.Start("backfill", "run", "--plan", planFile))
                {
                    var exit = await again.WaitForExitAsync("backfill run again", FaultBackfill.SafetyNet);
                    if (exit != ExitCodes.BackfillStopped || await CheckpointState.ReadAsync(rig) != checkpoint)
                    {
                        problems.Add($"run again: exit {exit}, checkpoint {checkpoint} -> {await CheckpointState.ReadAsync(rig)}: it must stop at the same statement: {again.Output}");
                    }
                }

                var differences = 0;
                if (await rig.TargetScalarAsync<string>($"SELECT val FROM {PgNames.Quote(rig.Schema)}.t WHERE id = 5") != "before the DDL")
                {
                    differences++;
                    problems.Add("the change before the DDL is missing");
                }

                if (await rig.TargetScalarAsync<string>($"SELECT val FROM {PgNames.Quote(rig.Schema)}.t WHERE id = 6") != "seed 6")
                {
                    differences++;
                    problems.Add("a change after the DDL was applied");
                }

                outcomes.Add(new FaultOutcome(problems.Count == 0, 0, differences, TimeSpan.Zero, 0, string.Join("; ", problems)));
            }
            finally
            {
                File.Delete(planFile);
            }
        }

        RecordAndAssert("bad input: DDL mid-catch-up (ddl: stop)", outcomes, $"{Tally(seen)} (BackfillStopped, naming table and statement), checkpoint before it, nothing past it applied", recovery: false);
    }

    private void RecordAndAssert(string fault, List<FaultOutcome> outcomes, string detail, bool recovery = true)
    {
        var row = new FaultResult(fault, outcomes.Count, outcomes.Count(o => o.Passed), outcomes.Sum(o => o.LostWrites), outcomes.Sum(o => o.Differences),
            recovery && outcomes.Count > 0 ? outcomes.Max(o => o.Recovery) : null, detail);
        output.WriteLine(FaultCampaign.Record(row));
        outcomes.Should().OnlyContain(o => o.Passed, string.Join("\n", outcomes.Select(o => o.Problems)));
        row.LostWrites.Should().Be(0);
        row.Differences.Should().Be(0);
    }

    /// <summary>
    /// Rotates the fault server's binlog, then purges every file before the current one until <paramref name="file"/> is gone:
    /// MariaDB keeps a file a little longer while crash recovery may still need it (its binlog checkpoint comes later),
    /// skipping it in a PURGE without an error.
    /// </summary>
    private static async Task PurgeAsync(string file)
    {
        await MariaDbFaultServer.ExecuteAsync("FLUSH BINARY LOGS");
        await Eventually.WaitUntilAsync(
            async () =>
            {
                await using var connection = await MariaDbFaultServer.OpenAsync();
                await using var status = new MySqlCommand("SHOW MASTER STATUS", connection);
                var head = (string)(await status.ExecuteScalarAsync())!;
                await using var purge = new MySqlCommand($"PURGE BINARY LOGS TO '{head.Replace("'", "''", StringComparison.Ordinal)}'", connection);
                await purge.ExecuteNonQueryAsync();
                await using var logs = new MySqlCommand("SHOW BINARY LOGS", connection);
                await using var reader = await logs.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    if (reader.GetString(0) == file)
                    {
                        return false;
                    }
                }

                return true;
            },
            $"binlog {file} to be purged",
            FaultBackfill.SafetyNet);
    }

    /// <summary>The CLI's output with its line wrapping undone, to look for a statement it quotes.</summary>
    private static string Unwrapped(CliProcess cli) => string.Join(' ', cli.Output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>What was seen, counted: "3x exit 12, 1x exit 3".</summary>
    private static string Tally(IEnumerable<string> seen) => string.Join(", ", seen.GroupBy(s => s).Select(g => $"{g.Count()}x {g.Key}"));

    /// <summary>A rig on the main servers with the writer's table <c>t</c> seeded with <paramref name="rows"/> rows.</summary>
    private static async Task<BackfillRig> SeededRigAsync(string prefix, int rows)
    {
        var rig = await BackfillRig.CreateAsync(prefix);
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, rows);
        return rig;
    }

    private static bool OnLoopback(ConnectionPlan connection) =>
        connection.ConnectionStringEnv is not null || connection.Host is null || (IPAddress.TryParse(connection.Host, out var address) && IPAddress.IsLoopback(address));

    private static async Task<long> TablesInAsync(NpgsqlDataSource target, string schema)
    {
        await using var command = target.CreateCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = $1");
        command.Parameters.AddWithValue(schema);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The target's rows of <c>t</c> as one text, to see that nothing changed.</summary>
    private static async Task<string> TargetTextAsync(BackfillRig rig)
    {
        var text = await rig.TargetScalarAsync<string>($"SELECT string_agg(id || ':' || coalesce(val, '') || ':' || amount, ',' ORDER BY id) FROM {PgNames.Quote(rig.Schema)}.t");
        return text ?? "";
    }
}
