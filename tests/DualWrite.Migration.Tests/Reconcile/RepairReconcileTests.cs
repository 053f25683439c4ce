using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Tests.Engine;
using DualWrite.PostgreSql.Tables;

namespace DualWrite.Migration.Tests.Reconcile;

/// <summary>
/// Repairs of injected divergences: written through the target's version guard and recorded, re-verified clean; a dry
/// run lists them and writes nothing; a row the target holds at a newer version than the source's is left alone.
/// </summary>
public sealed class RepairReconcileTests
{
    private const int Seeded = 500;
    private static readonly long[] Changed = [10, 20, 30];
    private static readonly long[] Deleted = [40, 50];
    private static readonly long[] Extra = [9_001, 9_002];
    private static readonly ReconcileOptions Options = new() { ChunkSize = 100, Parallelism = 2, Fresh = true, Repair = true, MaxSamples = 1000 };

    [Fact]
    public async Task Repair_WritesTheSourceRowsAndTombstonesTheExtras_RecordsEveryRepair_AndReVerifiesClean()
    {
        await using var rig = await BackfillRig.CreateAsync("rc_repair");
        var (plan, backfill) = await DivergedAsync(rig);
        await using var _ = backfill;

        var report = await rig.ReconcilePlanAsync(plan, Options);

        report.Clean.Should().BeTrue("every repair holds on re-verify: " + BackfillRig.Describe(report));
        report.Repaired.Should().Be(Changed.Length + Deleted.Length + Extra.Length);
        report.RepairSamples.Should().OnlyContain(r => r.Applied);
        RepairsOf(report, RepairKind.Write).Should().BeEquivalentTo(Changed.Concat(Deleted));
        RepairsOf(report, RepairKind.Tombstone).Should().BeEquivalentTo(Extra);
        var runId = await LastRunAsync(rig);
        (await RecordedRepair.ReadAsync(rig, "t")).Should().BeEquivalentTo(report.RepairSamples.Select(r => RecordedRepair.Of(runId, r)), "every repair is recorded with its run, kind and version");

        var table = $"\"{rig.Schema}\".t";
        foreach (var id in Changed.Concat(Deleted))
        {
            (await rig.TargetScalarAsync<string>($"SELECT val FROM {table} WHERE id = {id}")).Should().Be($"seed {id}");
        }

        (await rig.TargetScalarAsync<long>($"SELECT count(*) FROM {table} WHERE id IN ({string.Join(", ", Extra)})")).Should().Be(0);
        var tombstoned = await rig.TargetScalarAsync<long>(
            $"SELECT count(*) FROM \"{rig.Schema}\".\"t{VersionedTable.TombstoneSuffix}\" WHERE id IN ({string.Join(", ", Extra)})");
        tombstoned.Should().Be(Extra.Length, "an extra row leaves a tombstone, so a late change cannot bring it back");

        var again = await rig.ReconcilePlanAsync(plan, Options with { Repair = false });
        again.Clean.Should().BeTrue(BackfillRig.Describe(again));
        again.ChunksDiffering.Should().Be(0, "after the repair both sides digest alike");
    }

    [Fact]
    public async Task ADryRun_ListsTheRepairs_RecordsThemUnapplied_AndWritesNothing()
    {
        await using var rig = await BackfillRig.CreateAsync("rc_dryrun");
        var (plan, backfill) = await DivergedAsync(rig);
        await using var _ = backfill;
        var before = await TargetStateAsync(rig);

        var report = await rig.ReconcilePlanAsync(plan, Options with { DryRun = true });

        (report.Missing, report.Extra, report.Differing, report.Lagging).Should().Be(((long)Deleted.Length, (long)Extra.Length, (long)Changed.Length, 0L), "a dry run repairs nothing");
        report.DryRun.Should().BeTrue();
        report.Repaired.Should().Be(Changed.Length + Deleted.Length + Extra.Length, "a dry run counts the repairs it would make");
        report.RepairSamples.Should().OnlyContain(r => !r.Applied);
        RepairsOf(report, RepairKind.Write).Should().BeEquivalentTo(Changed.Concat(Deleted));
        RepairsOf(report, RepairKind.Tombstone).Should().BeEquivalentTo(Extra);
        var runId = await LastRunAsync(rig);
        (await RecordedRepair.ReadAsync(rig, "t")).Should().BeEquivalentTo(report.RepairSamples.Select(r => RecordedRepair.Of(runId, r)));
        (await TargetStateAsync(rig)).Should().Be(before, "a dry run writes nothing into the target table or its tombstones");
    }

    [Fact]
    public async Task ARepair_NeverOverwritesANewerTargetVersion_AndReportsItSkipped()
    {
        await using var rig = await BackfillRig.CreateAsync("rc_newer");
        await rig.ExecuteAsync("CREATE TABLE v (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL, ver BIGINT NOT NULL)");
        await rig.ExecuteAsync("INSERT INTO v SELECT seq, CONCAT('name ', seq), 5 FROM seq_1_to_50");
        var plan = await rig.PlanOverAsync(BackfillRig.Entity("v", version: "ver"));
        await using var backfill = await FollowingBackfill.StartAsync(rig, plan);
        var table = $"\"{rig.Schema}\".v";
        // Key 7: a newer version in the target than the source's 5. Key 8: missing, repairable at the source's version.
        await rig.ExecuteOnTargetAsync($"UPDATE {table} SET name = 'newer in the target', \"_dw_version\" = 15 WHERE id = 7; DELETE FROM {table} WHERE id = 8");

        var report = await rig.ReconcilePlanAsync(plan, Options);

        var skipped = report.RepairSamples.Should().ContainSingle(r => r.Kind == RepairKind.SkippedNewer).Which;
        Convert.ToInt64(skipped.Key.Values[0]).Should().Be(7);
        skipped.Version.Should().Be(15, "the skip names the newer version that stopped it");
        skipped.Applied.Should().BeFalse();
        var written = report.RepairSamples.Should().ContainSingle(r => r.Kind == RepairKind.Write).Which;
        Convert.ToInt64(written.Key.Values[0]).Should().Be(8);
        (written.Version, written.Applied).Should().Be((5L, true));
        report.Repaired.Should().Be(1, "a skipped repair repairs nothing");
        (await rig.TargetScalarAsync<string>($"SELECT name FROM {table} WHERE id = 7")).Should().Be("newer in the target");
        (await rig.TargetScalarAsync<long>($"SELECT \"_dw_version\" FROM {table} WHERE id = 7")).Should().Be(15);
        (await rig.TargetScalarAsync<string>($"SELECT name FROM {table} WHERE id = 8")).Should().Be("name 8");

        // The key is still reported: the stores differ on it, and only a newer source write may settle it.
        report.Clean.Should().BeFalse();
        (report.Missing, report.Extra, report.Differing).Should().Be((0L, 0L, 1L), BackfillRig.Describe(report));
        var sample = report.Samples.Should().ContainSingle().Which;
        Convert.ToInt64(sample.Key.Values[0]).Should().Be(7);
        (sample.SourceVersion, sample.TargetVersion).Should().Be((5L, 15L));
        sample.Columns.Should().Contain(["name", Reconciler.VersionColumn]);
        var runId = await LastRunAsync(rig, "v");
        (await RecordedRepair.ReadAsync(rig, "v")).Should().BeEquivalentTo(
            [new RecordedRepair(runId, 7, nameof(RepairKind.SkippedNewer), 15, false), new RecordedRepair(runId, 8, nameof(RepairKind.Write), 5, true)]);
    }

    /// <summary>The table <c>t</c> backfilled with the catch-up following, then rows changed, deleted and added in the target.</summary>
    private static async Task<(ValidatedPlan Plan, FollowingBackfill Backfill)> DivergedAsync(BackfillRig rig)
    {
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, Seeded);
        var plan = await rig.PlanOverAsync(BackfillRig.Entity("t"));
        var backfill = await FollowingBackfill.StartAsync(rig, plan);
        var table = $"\"{rig.Schema}\".t";
        await rig.ExecuteOnTargetAsync($"UPDATE {table} SET val = 'diverged' WHERE id IN ({string.Join(", ", Changed)})");
        await rig.ExecuteOnTargetAsync($"DELETE FROM {table} WHERE id IN ({string.Join(", ", Deleted)})");
        await rig.ExecuteOnTargetAsync($"INSERT INTO {table} (id, grp, val, amount, \"_dw_version\") SELECT n, 1, 'extra', 1.00, 1 FROM unnest(ARRAY[{string.Join(", ", Extra)}]) AS n");
        return (plan, backfill);
    }

    private static IEnumerable<long> RepairsOf(EntityReport report, RepairKind kind) =>
        report.RepairSamples.Where(r => r.Kind == kind).Select(r => Convert.ToInt64(r.Key.Values[0]));

    private static async Task<long> LastRunAsync(BackfillRig rig, string entity = "t") =>
        await rig.TargetScalarAsync<long>($"SELECT max(run_id) FROM \"{rig.Schema}\".dualwrite_reconcile_runs WHERE entity = '{entity}'");

    /// <summary>Every row of the target table and its tombstones, versions included, as one digest.</summary>
    private static async Task<string?> TargetStateAsync(BackfillRig rig) => await rig.TargetScalarAsync<string>($"""
        SELECT md5(coalesce((SELECT string_agg(r::text, '|' ORDER BY r.id) FROM "{rig.Schema}".t AS r), '')
                || '#' || coalesce((SELECT string_agg(x::text, '|' ORDER BY x.id) FROM "{rig.Schema}"."t{VersionedTable.TombstoneSuffix}" AS x), ''))
        """);
}
