using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Engine;
using DualWrite.Migration.Tests.Engine;

namespace DualWrite.Migration.Tests.Reconcile;

/// <summary>
/// Divergences written straight into the PostgreSQL target after a backfill of the type matrix, each found exactly:
/// as many keys of each kind as were injected, those keys and no other, each with the one column that differs.
/// </summary>
public sealed class InjectedDivergenceTests
{
    private const int UpdatedFrom = 100;
    private const int NullVersusEmpty = 200;
    private const int EmptyVersusNull = 201;
    private const int FloatUlp = 202;
    private const int DoubleUlp = 203;
    private const int Microsecond = 204;
    private const int DeletedFrom = 300;
    private const int ExtraFrom = 400;
    private const int PerKind = 5;

    [Fact]
    public async Task EveryInjectedDivergence_IsFoundExactly_WithItsKindKeyAndColumn()
    {
        await using var rig = await BackfillRig.CreateAsync("rc_inject");
        await rig.ExecuteAsync(TypeRoundTripTests.CreateSql);
        await rig.ExecuteAsync(TypeRoundTripTests.InsertSql);
        var plan = await rig.PlanOverAsync(BackfillRig.Entity("all_types"));
        var valueColumns = TableSpec.From(plan.Entities[0], rig.Schema, 1000).Columns.Select(c => c.Source.Name).Where(c => c != "id").ToList();

        // Copies of row 1: one per value column to change, and the rows of the special cases and of the deletes.
        var cloned = Enumerable.Range(UpdatedFrom, valueColumns.Count)
            .Concat(Enumerable.Range(NullVersusEmpty, PerKind))
            .Concat(Enumerable.Range(DeletedFrom, PerKind));
        var list = string.Join(", ", valueColumns.Select(c => $"`{c}`"));
        foreach (var id in cloned)
        {
            await rig.ExecuteAsync($"INSERT INTO all_types (id, {list}) SELECT {id}, {list} FROM all_types WHERE id = 1");
        }

        await rig.ExecuteAsync($"UPDATE all_types SET vc = '' WHERE id = {NullVersusEmpty}; UPDATE all_types SET tx = NULL WHERE id = {EmptyVersusNull}");
        await using var backfill = await FollowingBackfill.StartAsync(rig, plan);

        var table = $"\"{rig.Schema}\".all_types";
        var expectedDiffering = new Dictionary<long, string>();
        for (var i = 0; i < valueColumns.Count; i++)
        {
            // Row -3 holds another value than row 1 in every column, of the column's own type.
            var column = valueColumns[i];
            await rig.ExecuteOnTargetAsync($"UPDATE {table} SET \"{column}\" = (SELECT \"{column}\" FROM {table} WHERE id = -3) WHERE id = {UpdatedFrom + i}");
            expectedDiffering[UpdatedFrom + i] = column;
        }

        await rig.ExecuteOnTargetAsync($"UPDATE {table} SET vc = NULL WHERE id = {NullVersusEmpty}; UPDATE {table} SET tx = '' WHERE id = {EmptyVersusNull}");
        await ExecuteOnTargetAsync(rig, $"UPDATE {table} SET f = @value WHERE id = {FloatUlp}", MathF.BitIncrement(1.5f));
        await ExecuteOnTargetAsync(rig, $"UPDATE {table} SET db = @value WHERE id = {DoubleUlp}", Math.BitIncrement(2.25));
        await rig.ExecuteOnTargetAsync($"UPDATE {table} SET dtm = dtm + interval '1 microsecond' WHERE id = {Microsecond}");
        expectedDiffering[NullVersusEmpty] = "vc";
        expectedDiffering[EmptyVersusNull] = "tx";
        expectedDiffering[FloatUlp] = "f";
        expectedDiffering[DoubleUlp] = "db";
        expectedDiffering[Microsecond] = "dtm";
        await rig.ExecuteOnTargetAsync($"DELETE FROM {table} WHERE id >= {DeletedFrom} AND id < {DeletedFrom + PerKind}");
        var targetList = string.Join(", ", valueColumns.Select(c => $"\"{c}\"")) + ", \"_dw_version\"";
        await rig.ExecuteOnTargetAsync(
            $"INSERT INTO {table} (id, {targetList}) SELECT n, {targetList} FROM {table}, generate_series({ExtraFrom}, {ExtraFrom + PerKind - 1}) AS n WHERE id = 1");

        var report = await rig.ReconcilePlanAsync(plan, new ReconcileOptions { ChunkSize = 8, Parallelism = 2, Fresh = true, MaxSamples = 1000 });

        var describe = BackfillRig.Describe(report);
        report.Differing.Should().Be(expectedDiffering.Count, describe);
        report.Missing.Should().Be(PerKind, describe);
        report.Extra.Should().Be(PerKind, describe);
        report.Lagging.Should().Be(0, "the catch-up runs, so every difference is judged once the feed has passed its read: " + describe);
        report.Samples.Should().HaveCount(expectedDiffering.Count + (2 * PerKind), "the sample bound is above the differences, so every one is listed");
        Keys(report, DifferenceKind.MissingInTarget).Should().BeEquivalentTo(Enumerable.Range(DeletedFrom, PerKind));
        Keys(report, DifferenceKind.ExtraInTarget).Should().BeEquivalentTo(Enumerable.Range(ExtraFrom, PerKind));
        report.Samples.Where(s => s.Kind == DifferenceKind.ValuesDiffer)
            .ToDictionary(s => Convert.ToInt64(s.Key.Values[0]), s => string.Join(",", s.Columns))
            .Should().BeEquivalentTo(expectedDiffering, "each changed row names exactly its changed column");

        var sourceRows = 3 + valueColumns.Count + PerKind + PerKind;
        report.SourceRows.Should().Be(sourceRows);
        report.TargetRows.Should().Be(sourceRows - PerKind + PerKind);
        report.Matching.Should().Be(3, "only the three original rows were left alone");
        report.VerifiedAs.Should().NotBeNull("the catch-up applied the source's head at the end");
    }

    private static IEnumerable<long> Keys(EntityReport report, DifferenceKind kind) =>
        report.Samples.Where(s => s.Kind == kind).Select(s => Convert.ToInt64(s.Key.Values[0]));

    private static async Task ExecuteOnTargetAsync(BackfillRig rig, string sql, object value)
    {
        await using var command = rig.Target.CreateCommand(sql);
        command.Parameters.AddWithValue("value", value);
        (await command.ExecuteNonQueryAsync()).Should().Be(1);
    }
}
