using DualWrite.Cli;
using DualWrite.Cli.Commands;
using DualWrite.Core.Diagnostics;
using DualWrite.Core.Phases;
using DualWrite.Core.Stores;
using DualWrite.Migration.Engine;
using DualWrite.Migration.Gates;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Reconcile;
using DualWrite.MySql.Control;
using DualWrite.MySql.Health;
using DualWrite.MySql.Stores;
using DualWrite.Testing;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Cli.Tests;

/// <summary><c>phase advance --plan</c>: the plan's gates decide moves into the phases that write both stores.</summary>
public sealed partial class CliTests
{
    /// <summary>An `items` table in a scratch database, Backfill phase on control tables of its own, and a plan file over it.</summary>
    private static async Task WithItemsInBackfillAsync(bool versioned, bool planNamesVersion, Func<PhaseTarget, string, Task> test, Func<string, string>? editPlan = null)
    {
        var database = $"cli_{Guid.NewGuid():N}"[..20];
        await ExecuteAsync($"CREATE DATABASE `{database}`; CREATE TABLE `{database}`.`items` (id INT PRIMARY KEY, name VARCHAR(20)) ENGINE=InnoDB");
        if (versioned)
        {
            await using var dataSource = new MySqlDataSource(new MySqlConnectionStringBuilder(Source().ConnectionString) { Database = database }.ConnectionString);
            var log = new MySqlRepairLog<int>(dataSource, k => k.ToString(System.Globalization.CultureInfo.InvariantCulture), int.Parse);
            await log.EnsureSchemaAsync(CancellationToken.None);
            var store = new MySqlVersionedStore<int, string>(dataSource, new MySqlTableMapping<int, string>(
                "items",
                new MySqlColumnMap<int>(["id"], k => [k], (r, i) => r.GetInt32(i)),
                new MySqlColumnMap<string>(["name"], v => [v], (r, i) => r.GetString(i)),
                Comparer<int>.Default), log);
            await store.EnsureSchemaAsync(CancellationToken.None);
        }
        else if (planNamesVersion)
        {
            // The column alone, as a hand-made migration might add it: writes that bypass the store keep their version.
            await ExecuteAsync($"ALTER TABLE `{database}`.`items` ADD COLUMN `_dw_version` BIGINT NOT NULL DEFAULT 0");
        }

        var file = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.yaml");
        var yaml = PlanYaml(database, "  - table: items\n" + (planNamesVersion ? "    version: _dw_version\n" : ""));
        await File.WriteAllTextAsync(file, editPlan?.Invoke(yaml) ?? yaml);
        await WithOrdersAsync(async target =>
        {
            await ExecuteAsync($"UPDATE `{target.Database}`.`{target.PhaseTable}` SET entity = 'items' WHERE entity = 'orders'");
            (await ChangeAsync(target, PhaseTransitionKind.Advance, entity: "items")).Exit.Should().Be(ExitCodes.Success, "OldOnly → Backfill writes the old store only");
            try
            {
                await test(target, file);
            }
            finally
            {
                File.Delete(file);
                await ExecuteAsync($"DROP DATABASE `{database}`");
            }
        });
    }

    [Fact]
    public Task PhaseAdvance_IntoDualWrites_WithoutAPlan_IsRefusedAndSaysToNameIt() => WithItemsInBackfillAsync(versioned: true, planNamesVersion: true, async (target, _) =>
    {
        var (exit, output) = await ChangeAsync(target, PhaseTransitionKind.Advance, entity: "items");

        exit.Should().Be(ExitCodes.TransitionRejected);
        output.Should().Contain("gate plan").And.Contain("DualWriteReadOld writes both stores: name the entity's migration plan with --plan");
        output.Should().Contain("gate plan did not pass").And.Contain("the phase is unchanged");
    });

    [Fact]
    public Task PhaseAdvance_PlanWithoutVersion_IsRefusedNamingTheEntityAndTheFix() => WithItemsInBackfillAsync(versioned: true, planNamesVersion: false, async (target, plan) =>
    {
        var (exit, output) = await ChangeAsync(target, PhaseTransitionKind.Advance, entity: "items", plan: plan);

        exit.Should().Be(ExitCodes.TransitionRejected);
        output.Should().Contain("gate version-order").And.Contain("entity 'items'").And.Contain("has no `version:`");
        output.Should().Contain("`version: _dw_version`").And.Contain("--resnapshot");
    });

    [Fact]
    public Task PhaseAdvance_VersionColumnWithoutTriggers_IsRefused() => WithItemsInBackfillAsync(versioned: false, planNamesVersion: true, async (target, plan) =>
    {
        var (exit, output) = await ChangeAsync(target, PhaseTransitionKind.Advance, entity: "items", plan: plan);

        exit.Should().Be(ExitCodes.TransitionRejected);
        output.Should().Contain("gate version-order").And.Contain("there is no tombstone table `items__dw_tombstones`");
        output.Should().Contain("`items__dw_bi`").And.Contain("EnsureSchemaAsync");
    });

    [Fact]
    public Task PhaseAdvance_VersionedTableAndPlan_PassesTheGateAndIsAudited() => WithItemsInBackfillAsync(versioned: true, planNamesVersion: true, async (target, plan) =>
    {
        var (exit, output) = await ChangeAsync(target, PhaseTransitionKind.Advance, entity: "items", plan: plan);

        exit.Should().Be(ExitCodes.Success, output);
        output.Should().Contain("gate version-order: pass (").And.Contain(".items._dw_version is stamped on every write").And.Contain("applied items: Backfill -> DualWriteReadOld");
        var (console, history) = Capture();
        await PhaseHistoryCommand.RunAsync(new(target, "items"), console, CancellationToken.None);
        history.ToString().Should().Contain("version-order");
    });

    [Fact]
    public Task PhaseAdvance_ThePlansGates_RefuseNamingTheGateAndWhy_ThenPass_AndEveryOutcomeIsAudited()
    {
        var schema = $"cli_gates_{Guid.NewGuid():N}"[..24];
        return WithEnvironmentAsync("DUALWRITE_TEST_PG", PostgreSqlServer.ConnectionString(), () => WithItemsInBackfillAsync(versioned: true, planNamesVersion: true, async (target, file) =>
        {
            await using var postgres = PostgreSqlServer.CreateDataSource();
            try
            {
                var refused = await ChangeAsync(target, PhaseTransitionKind.Advance, entity: "items", plan: file);

                refused.Exit.Should().Be(ExitCodes.TransitionRejected, refused.Output);
                refused.Output.Should().Contain("gate version-order: pass");
                refused.Output.Should().Contain("gate reconciled: FAIL (entity 'items' was never reconciled to the end").And.Contain("`dualwrite reconcile --plan").And.Contain("--entity items`");
                refused.Output.Should().Contain("gate cdc-lag: FAIL (no catch-up of plan 'cli-plan' has measured its lag");
                refused.Output.Should().Contain("gate secondary-errors: pass (Backfill writes the old store only");
                refused.Output.Should().Contain("gates reconciled, cdc-lag did not pass").And.Contain("the phase is unchanged, the refusal is audit row");

                var plan = await ValidatedAsync(file);
                await ReconciledCleanAsync(postgres, schema, plan);
                await CatchUpRunningAsync(postgres, schema, plan);
                var applied = await ChangeAsync(target, PhaseTransitionKind.Advance, entity: "items", plan: file);

                applied.Exit.Should().Be(ExitCodes.Success, applied.Output);
                applied.Output.Should().Contain("gate reconciled: pass (").And.Contain("gate cdc-lag: pass (").And.Contain("applied items: Backfill -> DualWriteReadOld");

                var leaving = await ChangeAsync(target, PhaseTransitionKind.Advance, entity: "items", plan: file);

                leaving.Exit.Should().Be(ExitCodes.TransitionRejected, leaving.Output);
                leaving.Output.Should().Contain("gate reconciled: FAIL (").And.Contain("is from before the entity's last phase change");
                leaving.Output.Should().Contain("gate secondary-errors: FAIL (no application instance reported figures for 'items'");

                using var metrics = new DualWriteMetrics();
                await using var database = new MySqlDataSource(Source().ConnectionString);
                var reporter = new MySqlHealthReporter(database, target.Tables, metrics);
                for (var i = 0; i < 250; i++)
                {
                    metrics.RecordSecondaryWrite("items", StoreRole.New, "upsert", TimeSpan.FromMilliseconds(1), failed: false);
                }

                await reporter.PublishAsync(CancellationToken.None);
                await ReconciledCleanAsync(postgres, schema, plan);
                await CatchUpRunningAsync(postgres, schema, plan);
                var forward = await ChangeAsync(target, PhaseTransitionKind.Advance, entity: "items", plan: file);

                forward.Exit.Should().Be(ExitCodes.Success, forward.Output);
                forward.Output.Should().Contain("gate secondary-errors: pass (secondary write error rate 0% (0 of 250)").And.Contain("applied items: DualWriteReadOld -> DualWriteReadNew");

                var (console, output) = Capture();
                (await PhaseHistoryCommand.RunAsync(new(target, "items"), console, CancellationToken.None)).Should().Be(ExitCodes.Success);
                var history = output.ToString();
                history.Split('\n').Count(l => l.Contains("refused (GatesFailed)", StringComparison.Ordinal)).Should().Be(2);
                history.Should().Contain("secondary-errors:").And.Contain("FAIL");
                var control = new MySqlPhaseControl(database, new PhaseTransitionPlanner([], TimeProvider.System), target.Tables);
                var audit = await control.GetHistoryAsync("items", CancellationToken.None);
                audit.Select(a => (a.To, a.Rejection)).Should().Equal(
                    (MigrationPhase.Backfill, PhaseTransitionRejection.None),
                    (MigrationPhase.DualWriteReadOld, PhaseTransitionRejection.GatesFailed),
                    (MigrationPhase.DualWriteReadOld, PhaseTransitionRejection.None),
                    (MigrationPhase.DualWriteReadNew, PhaseTransitionRejection.GatesFailed),
                    (MigrationPhase.DualWriteReadNew, PhaseTransitionRejection.None));
                audit[1].Gates.Where(g => !g.Result.Passed).Select(g => g.GateName).Should().Equal("reconciled", "cdc-lag");
                audit[3].Gates.Where(g => !g.Result.Passed).Select(g => g.GateName).Should().Equal("reconciled", "secondary-errors");
                audit[4].Gates.Select(g => g.GateName).Should().Equal("version-order", "reconciled", "cdc-lag", "secondary-errors");
            }
            finally
            {
                await using var drop = postgres.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
                await drop.ExecuteNonQueryAsync();
            }
        }, yaml => yaml.Replace("schema: public", $"schema: {schema}", StringComparison.Ordinal)
            + "gates: [reconciled, cdc-lag, secondary-errors]\n"));
    }

    private static async Task<ValidatedPlan> ValidatedAsync(string file)
    {
        var plan = await PlanLoader.LoadAsync(file, CancellationToken.None);
        await using var connection = new MySqlConnection(PlanConnections.MySqlConnectionString(plan.Source, Environment.GetEnvironmentVariable));
        await connection.OpenAsync();
        return await PlanValidator.ValidateAsync(plan, connection, CancellationToken.None);
    }

    /// <summary>A clean reconciliation of `items` that finished now, as the reconciler records it.</summary>
    private static async Task ReconciledCleanAsync(NpgsqlDataSource postgres, string schema, ValidatedPlan plan)
    {
        await using var connection = await postgres.OpenConnectionAsync();
        await ReconcileRuns.EnsureAsync(connection, schema, CancellationToken.None);
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {ReconcileRuns.Runs(schema)} (plan, entity, finished_at, schema_fingerprint, clean, missing, extra, differing, lagging)
            VALUES (@plan, 'items', now(), @fingerprint, true, 0, 0, 0, 0)
            """, connection);
        command.Parameters.AddWithValue("plan", plan.Plan.Name);
        command.Parameters.AddWithValue("fingerprint", ReconciledGate.CurrentFingerprint(TableSpec.From(plan.Entities[0], schema, 1000)));
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The catch-up's checkpoint row with a lag just measured, as a running catch-up keeps it.</summary>
    private static async Task CatchUpRunningAsync(NpgsqlDataSource postgres, string schema, ValidatedPlan plan)
    {
        await using (var connection = await postgres.OpenConnectionAsync())
        {
            await TargetSchema.EnsureControlTablesAsync(connection, schema, CancellationToken.None);
            await using var command = new NpgsqlCommand(
                $"INSERT INTO {TargetSchema.Plans(schema)} (plan, cdc_file, cdc_offset, cdc_sequence, cdc_started) VALUES (@plan, 'binlog.000001', 4, 1, true) ON CONFLICT DO NOTHING",
                connection);
            command.Parameters.AddWithValue("plan", plan.Plan.Name);
            await command.ExecuteNonQueryAsync();
        }

        // A few seconds ahead, as a catch-up host's clock may be: the command's own run time then never makes the measurement stale.
        await new Checkpoints(plan.Plan.Name, schema).RecordLagAsync(postgres, TimeSpan.FromMilliseconds(120), DateTimeOffset.UtcNow.AddSeconds(3), CancellationToken.None);
    }
}
