using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Reconcile;
using DualWrite.Migration.Tests.Faults;
using DualWrite.Testing;
using MySqlConnector;

namespace DualWrite.Migration.Tests.Engine;

/// <summary>
/// <c>dualwrite backfill run</c> killed with SIGKILL at random points (snapshot or catch-up) while a writer changes
/// the table, then resumed; in the end both sides are equal and no chunk was copied twice.
/// </summary>
/// <remarks>
/// Each kill point is an event observed in the target's checkpoint tables (so many more rows committed, or the
/// catch-up position moved so many times), never a time: a slow or busy machine only makes the wait longer.
/// </remarks>
public sealed class KillAndResumeTests
{
    private const int Seeded = 40_000;
    private const int ChunkSize = 500;

    /// <summary>Only a safety net: every wait ends on an observed checkpoint long before this.</summary>
    private static readonly TimeSpan KillPointTimeout = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task KilledAtRandomPoints_ResumesWithoutLosingOrDuplicatingRows(int seed)
    {
        await using var rig = await BackfillRig.CreateAsync("bf_kill");
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, Seeded);
        var planFile = await FaultBackfill.WritePlanAsync(rig, $"kill-{seed}", onFaultServers: false, ChunkSize, maxRowsPerSecond: 10000);
        var writer = new SourceWriter(rig.Source, Seeded, seed);
        using var stopWriting = new CancellationTokenSource();
        var writing = writer.RunAsync(stopWriting.Token);
        var random = new Random(seed);
        var killedIn = new List<string>();
        try
        {
            for (var kill = 0; kill < 3; kill++)
            {
                var before = await CheckpointState.ReadAsync(rig);
                using var cli = CliProcess.Start("backfill", "run", "--plan", planFile, "--follow");
                // The first kill always falls inside the snapshot, so the resumed runs have committed chunks to keep;
                // later ones fall in the snapshot or the catch-up, as the seed decides.
                var inSnapshot = !before.SnapshotDone && (kill == 0 || random.Next(2) == 0);
                if (inSnapshot)
                {
                    var rows = before.Rows + (random.Next(1, 12) * ChunkSize);
                    await cli.WaitForAsync(async () => await CheckpointState.ReadAsync(rig) is var s && (s.Rows >= rows || s.SnapshotDone), $"{rows:N0} committed rows", KillPointTimeout);
                }
                else
                {
                    var moves = random.Next(1, 4);
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    await cli.WaitForAsync(async () => await CheckpointState.ReadAsync(rig) is { CatchUpPosition: { } p } && seen.Add(p) && seen.Count > moves, $"{moves} catch-up checkpoints", KillPointTimeout);
                }

                killedIn.Add(inSnapshot ? "snapshot" : "catch-up");
                cli.Kill();
            }

            await stopWriting.CancelAsync();
            await writing;
            var end = await rig.MasterPositionAsync();

            var copiedBefore = (await CheckpointState.ReadAsync(rig)).Rows;
            copiedBefore.Should().BeGreaterThan(0, "the killed runs committed chunks (killed in: {0})", string.Join(", ", killedIn));
            var plan = await ValidatedPlanAsync(rig, planFile);
            var runner = BackfillRunner.Create(plan, rig.SourceConnectionString, rig.Target, rig.Log);
            var report = await runner.RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { At = end }, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);

            var reconciliation = (await PlanReconciler.Create(plan, rig.SourceConnectionString, rig.Target).RunAsync(BackfillRig.ExpectEqual, null, null, CancellationToken.None)).Entities.Single();
            reconciliation.Clean.Should().BeTrue(BackfillRig.Describe(reconciliation));
            var copied = (await CheckpointState.ReadAsync(rig)).Rows;
            copied.Should().Be(copiedBefore + report.Tables.Single().RowsThisRun, "the last run copied only what the killed runs had not committed");
            copied.Should().BeLessThanOrEqualTo(Seeded + writer.Operations, "no chunk was copied twice");
        }
        finally
        {
            await stopWriting.CancelAsync();
            await writing;
            File.Delete(planFile);
        }
    }

    private static async Task<ValidatedPlan> ValidatedPlanAsync(BackfillRig rig, string planFile)
    {
        var plan = await PlanLoader.LoadAsync(planFile, CancellationToken.None);
        await using var connection = new MySqlConnection(rig.SourceConnectionString);
        await connection.OpenAsync();
        return await PlanValidator.ValidateAsync(plan, connection, CancellationToken.None);
    }
}
