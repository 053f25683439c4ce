using System.Globalization;
using DualWrite.Cli;
using DualWrite.Cli.Commands;
using DualWrite.Core.Reconciliation;
using DualWrite.Testing;
using Npgsql;

namespace DualWrite.Cli.Tests;

/// <summary>
/// <c>dualwrite reconcile</c> end to end: a table in a scratch MariaDB database, copied into a scratch PostgreSQL schema
/// by the backfill, whose catch-up keeps running beside the reconciler (the feed its re-checks wait on).
/// </summary>
public sealed partial class CliTests
{
    /// <summary>Only a safety net: every wait ends on an observed event long before this.</summary>
    private static readonly TimeSpan ReconcileTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Runs <paramref name="test"/> over an `items` table of <paramref name="rows"/> rows, backfilled into PostgreSQL,
    /// with the catch-up following the binlog until the test ends; drops both sides afterwards.
    /// </summary>
    private static async Task WithReconcileRigAsync(int rows, int chunkSize, Func<ReconcileRig, Task> test)
    {
        Source();
        PostgreSqlServer.EnsureReachable();
        var database = await MariaDbServer.CreateScratchDatabaseAsync("cli_rec");
        var rig = new ReconcileRig(database, Path.Combine(Path.GetTempPath(), $"reconcile-{database}.yaml"));
        try
        {
            await rig.ExecuteOnTargetAsync($"DROP SCHEMA IF EXISTS \"{database}\" CASCADE; CREATE SCHEMA \"{database}\"");
            await ExecuteAsync(
                $"CREATE TABLE `{database}`.`items` (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NULL) ENGINE=InnoDB; " +
                $"INSERT INTO `{database}`.`items` SELECT seq, CONCAT('item-', seq), seq % 97 FROM seq_1_to_{rows}");
            await File.WriteAllTextAsync(rig.PlanFile, PlanYaml(database, "  - table: items\n", schema: database, backfill: $"{{ chunkSize: {chunkSize}, parallelism: 2 }}"));
            var (console, output) = Capture();
            (await BackfillCommands.RunAsync(new(rig.PlanFile, Resnapshot: false, Follow: false, Compare: false), rig.Environment, console, TextWriter.Null, CancellationToken.None))
                .Should().Be(ExitCodes.Success, output.ToString());
            await using (rig.FollowBinlog())
            {
                await test(rig);
            }
        }
        finally
        {
            File.Delete(rig.PlanFile);
            await rig.ExecuteOnTargetAsync($"DROP SCHEMA IF EXISTS \"{database}\" CASCADE");
            await MariaDbServer.DropDatabaseAsync(database);
            await rig.DisposeAsync();
        }
    }

    [Fact]
    public Task Reconcile_CopiedTable_IsClean_AndExitsZero() => WithReconcileRigAsync(rows: 3_000, chunkSize: 500, async rig =>
    {
        var (exit, text, report) = await rig.ReconcileAsync(ReconcileFormat.Json);

        exit.Should().Be(ExitCodes.Success, text);
        var items = report!.Entities.Single();
        items.Clean.Should().BeTrue();
        (items.SourceRows, items.TargetRows, items.Matching).Should().Be((3_000L, 3_000L, 3_000L));
        items.Chunks.Should().BeGreaterThanOrEqualTo(6);
        items.VerifiedAs.Should().NotBeNull("the catch-up applies the source's head");
        ReconcileReportSchema.Problems(text).Should().BeEmpty();

        (exit, text, _) = await rig.ReconcileAsync(ReconcileFormat.Table);
        exit.Should().Be(ExitCodes.Success, text);
        text.Should().Contain("reconcile items: ").And.Contain("verified as of ").And.Contain("clean: 1 entity agrees").And.NotContain(MariaDbServer.Password);
    });

    [Fact]
    public Task Reconcile_RowChangedInTheTarget_ExitsOne_NamesTheKey_AndHidesItsValuesUnlessAsked() => WithReconcileRigAsync(rows: 2_000, chunkSize: 500, async rig =>
    {
        await rig.ExecuteOnTargetAsync($"UPDATE \"{rig.Database}\".items SET name = 'tampered' WHERE id = 1234");

        var (exit, text, report) = await rig.ReconcileAsync(ReconcileFormat.Json);
        var (tableExit, table, _) = await rig.ReconcileAsync(ReconcileFormat.Table, showValues: true);

        exit.Should().Be(ExitCodes.DifferencesFound, text);
        var items = report!.Entities.Single();
        (items.Differing, items.Missing, items.Extra, items.Lagging, items.Matching).Should().Be((1L, 0L, 0L, 0L, 1_999L));
        items.Samples.Should().ContainSingle().Which.Should().Match<RowDifference>(d => d.Key.ToString() == "1234" && d.Kind == DifferenceKind.ValuesDiffer);
        items.Samples[0].Columns.Should().Equal("name");
        text.Should().NotContain("tampered").And.NotContain("item-1234");
        ReconcileReportSchema.Problems(text).Should().BeEmpty();
        tableExit.Should().Be(ExitCodes.DifferencesFound);
        table.Should().Contain("1234").And.Contain("values differ").And.Contain("name='item-1234'").And.Contain("name='tampered'");
    });

    [Fact]
    public Task Reconcile_Repair_MakesTheTargetAgree_AndARerunIsClean_WhileADryRunWritesNothing() => WithReconcileRigAsync(rows: 2_000, chunkSize: 500, async rig =>
    {
        await rig.ExecuteOnTargetAsync(
            $"UPDATE \"{rig.Database}\".items SET qty = -1 WHERE id = 10; " +
            $"DELETE FROM \"{rig.Database}\".items WHERE id = 20; " +
            $"INSERT INTO \"{rig.Database}\".items (id, name, qty, _dw_version) VALUES (5000, 'stray', 1, 1)");

        var (dryExit, dryText, dry) = await rig.ReconcileAsync(ReconcileFormat.Json, repair: true, dryRun: true);
        dryExit.Should().Be(ExitCodes.DifferencesFound, dryText);
        dry!.Entities.Single().Should().Match<EntityReport>(e => e.DryRun && e.Repaired == 3 && e.Differing == 1 && e.Missing == 1 && e.Extra == 1);
        dry.Entities.Single().RepairSamples.Should().OnlyContain(r => !r.Applied);
        (await rig.TargetScalarAsync<int>($"SELECT qty FROM \"{rig.Database}\".items WHERE id = 10")).Should().Be(-1, "a dry run writes nothing");

        var (repairExit, repairText, repaired) = await rig.ReconcileAsync(ReconcileFormat.Json, repair: true);
        repairExit.Should().Be(ExitCodes.Success, repairText);
        var items = repaired!.Entities.Single();
        items.Repaired.Should().Be(3);
        items.RepairSamples.Select(r => (r.Key.ToString(), r.Kind, r.Applied)).Should().BeEquivalentTo(
            new[] { ("10", RepairKind.Write, true), ("20", RepairKind.Write, true), ("5000", RepairKind.Tombstone, true) });
        (await rig.TargetScalarAsync<int>($"SELECT qty FROM \"{rig.Database}\".items WHERE id = 10")).Should().Be(10);

        var (exit, text, again) = await rig.ReconcileAsync(ReconcileFormat.Json);
        exit.Should().Be(ExitCodes.Success, text);
        again!.Entities.Single().Should().Match<EntityReport>(e => e.Clean && e.Repaired == 0 && e.Matching == 2_000);
    });

    [Fact]
    public Task Reconcile_KilledMidRun_ResumesWithoutComparingItsFinishedChunks_AndAgreesWithAFreshRun() => WithReconcileRigAsync(rows: 150_000, chunkSize: 100, async rig =>
    {
        await rig.ExecuteOnTargetAsync($"UPDATE \"{rig.Database}\".items SET name = 'tampered' WHERE id IN (17, 74321, 149999)");
        var killedReport = Path.Combine(Path.GetTempPath(), $"killed-{rig.Database}.json");
        long recorded;
        using (var cli = CliProcess.Start("reconcile", "--plan", rig.PlanFile, "--format", "json", "--output", killedReport))
        {
            await cli.WaitForAsync(async () => await rig.ChunksOfUnfinishedRunAsync() >= 20, "20 recorded chunks of the run", ReconcileTimeout);
            cli.Kill();
            recorded = await rig.ChunksOfUnfinishedRunAsync();
        }

        File.Exists(killedReport).Should().BeFalse("the killed run wrote no report");
        var (exit, text, resumed) = await rig.ReconcileAsync(ReconcileFormat.Json);
        var (freshExit, freshText, fresh) = await rig.ReconcileAsync(ReconcileFormat.Json, fresh: true);

        exit.Should().Be(ExitCodes.DifferencesFound, text);
        freshExit.Should().Be(ExitCodes.DifferencesFound, freshText);
        var r = resumed!.Entities.Single();
        var f = fresh!.Entities.Single();
        r.ChunksResumed.Should().Be(recorded, "every chunk the killed run recorded is taken as it is");
        recorded.Should().BeGreaterThan(0).And.BeLessThan(f.Chunks, "the run was killed before its end");
        f.ChunksResumed.Should().Be(0);
        r.Should().BeEquivalentTo(f, o => o
            .Excluding(e => e.ChunksResumed).Excluding(e => e.Duration).Excluding(e => e.StartedAt).Excluding(e => e.FinishedAt)
            .Excluding(e => e.VerifiedAs).Excluding(e => e.Samples).Excluding(e => e.RepairSamples));
        r.Samples.Select(s => (s.Key.ToString(), s.Kind)).Should().Equal(f.Samples.Select(s => (s.Key.ToString(), s.Kind)));
        r.Samples.Select(s => s.Key.ToString()).Should().Equal("149999", "17", "74321");
    });

    [Fact]
    public Task Reconcile_BeforeTheBackfill_SaysToRunItFirst_AndExitsWithBackfillStopped() => WithPlanFileAsync(async (plan, database) =>
    {
        var (console, output) = Capture();

        var exit = await ReconcileCommand.RunAsync(new(plan), n => n == "DUALWRITE_TEST_PG" ? PostgreSqlServer.ConnectionString() : Environment.GetEnvironmentVariable(n), console, TextWriter.Null, CancellationToken.None);

        exit.Should().Be(ExitCodes.BackfillStopped, output.ToString());
        output.ToString().Should().Contain($"{database}.items does not exist").And.Contain("dualwrite backfill run --plan");
    });

    [Fact]
    public Task Reconcile_UnknownEntity_ListsThePlansEntities() => WithPlanFileAsync(async (plan, _) =>
    {
        var (console, output) = Capture();

        var exit = await ReconcileCommand.RunAsync(new(plan) { Entity = "itemz" }, Environment.GetEnvironmentVariable, console, TextWriter.Null, CancellationToken.None);

        exit.Should().Be(ExitCodes.InvalidArguments);
        output.ToString().Should().Contain("the plan cli-plan has no entity 'itemz'; it has items");
    });

    [Fact]
    public Task Reconcile_InvalidPlan_ExitsWithInvalidPlan() => WithPlanFileAsync(async (_, database) =>
    {
        var file = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, PlanYaml(database, "  - table: notes\n"));
        try
        {
            var (console, output) = Capture();

            var exit = await ReconcileCommand.RunAsync(new(file), Environment.GetEnvironmentVariable, console, TextWriter.Null, CancellationToken.None);

            exit.Should().Be(ExitCodes.InvalidPlan);
            output.ToString().Should().Contain("has no primary key");
        }
        finally
        {
            File.Delete(file);
        }
    });

    [Fact]
    public Task Reconcile_UnsetTargetVariable_NamesIt_AndExitsWithInvalidArguments() => WithPlanFileAsync(async (plan, _) =>
    {
        var (console, output) = Capture();

        var exit = await ReconcileCommand.RunAsync(new(plan), n => n == "DUALWRITE_TEST_PG" ? null : Environment.GetEnvironmentVariable(n), console, TextWriter.Null, CancellationToken.None);

        exit.Should().Be(ExitCodes.InvalidArguments);
        output.ToString().Should().Contain("target.connectionStringEnv: environment variable DUALWRITE_TEST_PG is not set");
    });

    [Fact]
    public Task Reconcile_UnreachableTarget_ExitsWithConnectionFailed_WithoutItsPassword() => WithPlanFileAsync(async (plan, _) =>
    {
        var (console, output) = Capture();
        var unreachable = PostgreSqlServer.ConnectionString(b => { b.Port = 1; b.Password = "pg-secret-never-printed"; });

        var exit = await ReconcileCommand.RunAsync(new(plan), n => n == "DUALWRITE_TEST_PG" ? unreachable : Environment.GetEnvironmentVariable(n), console, TextWriter.Null, CancellationToken.None);

        exit.Should().Be(ExitCodes.ConnectionFailed, output.ToString());
        output.ToString().Should().Contain("the PostgreSQL target").And.NotContain("pg-secret-never-printed");
    });

    /// <summary>
    /// A plan file over the `items` and `notes` tables of <see cref="PlanDatabaseAsync"/>, with `items` its one entity,
    /// into a target schema named after the database, which nothing has backfilled.
    /// </summary>
    private static async Task WithPlanFileAsync(Func<string, string, Task> test)
    {
        var database = await PlanDatabaseAsync();
        var file = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, PlanYaml(database, "  - table: items\n    version: row_version\n", schema: database));
        try
        {
            await test(file, database);
        }
        finally
        {
            File.Delete(file);
            await ExecuteAsync($"DROP DATABASE `{database}`");
            await using var target = PostgreSqlServer.CreateDataSource();
            await using var drop = target.CreateCommand($"DROP SCHEMA IF EXISTS \"{database}\" CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The scratch database and schema of a reconcile test, its plan file, and runs of the command over it.</summary>
    private sealed class ReconcileRig(string database, string planFile) : IAsyncDisposable
    {
        private readonly NpgsqlDataSource _target = PostgreSqlServer.CreateDataSource();

        public string Database => database;

        public string PlanFile => planFile;

        /// <summary>The CLI's environment: the test PostgreSQL's connection string under the name the plan gives.</summary>
        public string? Environment(string name) =>
            name == "DUALWRITE_TEST_PG" ? PostgreSqlServer.ConnectionString() : System.Environment.GetEnvironmentVariable(name);

        /// <summary>Runs the command in this process; the report read back when it is JSON.</summary>
        public async Task<(int Exit, string Text, ReconcileReport? Report)> ReconcileAsync(
            ReconcileFormat format, bool repair = false, bool dryRun = false, bool fresh = false, bool showValues = false)
        {
            var (console, output) = Capture();
            var json = new StringWriter();
            var arguments = new ReconcileCommand.Arguments(planFile) { Format = format, Repair = repair, DryRun = dryRun, Fresh = fresh, ShowValues = showValues };
            var exit = await ReconcileCommand.RunAsync(arguments, Environment, console, json, CancellationToken.None);
            var text = format == ReconcileFormat.Table ? output.ToString() : json.ToString();
            return (exit, text, format == ReconcileFormat.Json && json.GetStringBuilder().Length > 0 ? ReconcileReportJson.Parse(text) : null);
        }

        /// <summary>The backfill's catch-up, following the binlog until disposed.</summary>
        public IAsyncDisposable FollowBinlog()
        {
            var stop = new CancellationTokenSource();
            var (console, output) = Capture();
            var run = BackfillCommands.RunAsync(new(planFile, Resnapshot: false, Follow: true, Compare: false), Environment, console, TextWriter.Null, stop.Token);
            return new Follow(stop, run, output);
        }

        /// <summary>Chunk rows recorded for the entity's run that has not finished (0 before the control tables exist).</summary>
        public async Task<long> ChunksOfUnfinishedRunAsync()
        {
            try
            {
                return await TargetScalarAsync<long>($"""
                    SELECT count(*) FROM "{database}".dualwrite_reconcile_chunks c
                      JOIN "{database}".dualwrite_reconcile_runs r ON r.run_id = c.run_id
                     WHERE r.entity = 'items' AND r.finished_at IS NULL
                    """);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                return 0;
            }
        }

        public async Task ExecuteOnTargetAsync(string sql)
        {
            await using var command = _target.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        }

        public async Task<T> TargetScalarAsync<T>(string sql)
        {
            await using var command = _target.CreateCommand(sql);
            return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
        }

        public ValueTask DisposeAsync() => _target.DisposeAsync();

        private sealed class Follow(CancellationTokenSource stop, Task<int> run, StringWriter output) : IAsyncDisposable
        {
            public async ValueTask DisposeAsync()
            {
                await stop.CancelAsync();
                (await run).Should().Be(ExitCodes.Success, "the catch-up followed the binlog until stopped:\n" + output);
                stop.Dispose();
            }
        }
    }
}
