using DualWrite.Cli;
using DualWrite.Cli.Commands;
using DualWrite.Core.Phases;
using DualWrite.Core.Stores;
using DualWrite.MySql.Stores;
using MySqlConnector;

namespace DualWrite.Cli.Tests;

/// <summary><c>phase advance --plan</c>: the plan's gates decide moves into the phases that write both stores.</summary>
public sealed partial class CliTests
{
    /// <summary>An `items` table in a scratch database, Backfill phase on control tables of its own, and a plan file over it.</summary>
    private static async Task WithItemsInBackfillAsync(bool versioned, bool planNamesVersion, Func<PhaseTarget, string, Task> test)
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
        await File.WriteAllTextAsync(file, PlanYaml(database, "  - table: items\n" + (planNamesVersion ? "    version: _dw_version\n" : "")));
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
        output.Should().Contain("nothing was written");
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
}
