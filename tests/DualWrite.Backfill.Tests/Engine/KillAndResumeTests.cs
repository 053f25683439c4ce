using System.Diagnostics;
using DualWrite.Backfill.Engine;
using DualWrite.Backfill.Plans;
using DualWrite.MySql;
using DualWrite.MySql.Tests.Integration;

namespace DualWrite.Backfill.Tests.Engine;

/// <summary>
/// <c>dualwrite backfill run</c> killed with SIGKILL at random points (snapshot or catch-up) while a writer changes
/// the table, then resumed; in the end both sides are equal and no chunk was copied twice.
/// </summary>
public sealed class KillAndResumeTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task KilledAtRandomPoints_ResumesWithoutLosingOrDuplicatingRows(int seed)
    {
        await using var rig = await BackfillRig.CreateAsync("bf_kill");
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, 40_000);
        var planFile = Path.Combine(Path.GetTempPath(), $"kill-{rig.Database}.yaml");
        await File.WriteAllTextAsync(planFile, $"""
            name: kill-{seed}
            source:
              host: {MariaDbServer.Host}
              port: {MariaDbServer.Port}
              user: {MariaDbServer.User}
              passwordEnv: DUALWRITE_MYSQL_PASSWORD
              database: {rig.Database}
            target:
              connectionStringEnv: DUALWRITE_TEST_PG
              schema: {rig.Schema}
            backfill: {"{"} chunkSize: 500, parallelism: 2, maxRowsPerSecond: 10000 {"}"}
            entities:
              - table: t
            """);
        var writer = new SourceWriter(rig.Source, 40_000, seed);
        using var stopWriting = new CancellationTokenSource();
        var writing = writer.RunAsync(stopWriting.Token);
        var random = new Random(seed);
        try
        {
            for (var kill = 0; kill < 3; kill++)
            {
                using var process = StartCli(planFile);
                await Task.Delay(random.Next(2000, 6000));
                process.HasExited.Should().BeFalse("the run is killed while it works");
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            await stopWriting.CancelAsync();
            await writing;
            var end = await rig.MasterPositionAsync();

            var copiedBefore = await PostgresServer.ScalarAsync<decimal>(rig.Target, $"SELECT coalesce(sum(rows), 0) FROM \"{rig.Schema}\".dualwrite_backfill_ranges");
            copiedBefore.Should().BeGreaterThan(0, "the killed runs committed chunks");
            var runner = await RunnerAsync(rig, planFile);
            var report = await runner.RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { At = end }, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);

            var comparison = (await runner.CompareAsync(CancellationToken.None)).Single();
            comparison.Equal.Should().BeTrue(comparison + ": " + string.Join("; ", comparison.Samples));
            var copied = await PostgresServer.ScalarAsync<decimal>(rig.Target, $"SELECT sum(rows) FROM \"{rig.Schema}\".dualwrite_backfill_ranges");
            copied.Should().Be(copiedBefore + report.Tables.Single().RowsThisRun, "the last run copied only what the killed runs had not committed");
            copied.Should().BeLessThanOrEqualTo(40_000 + writer.Operations, "no chunk was copied twice");
        }
        finally
        {
            await stopWriting.CancelAsync();
            await writing;
            File.Delete(planFile);
        }
    }

    private static Process StartCli(string planFile)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "dualwrite.dll");
        var start = new ProcessStartInfo("dotnet", [cli, "backfill", "run", "--plan", planFile, "--follow"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DUALWRITE_MYSQL_PASSWORD"] = MariaDbServer.Password;
        start.Environment["DUALWRITE_TEST_PG"] = PostgresServer.ConnectionString;
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the CLI");
        // Drained, so the child never blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private static async Task<BackfillRunner> RunnerAsync(BackfillRig rig, string planFile)
    {
        var plan = await PlanLoader.LoadAsync(planFile, CancellationToken.None);
        await using var connection = new MySqlConnection(rig.SourceConnectionString);
        await connection.OpenAsync();
        var validated = await PlanValidator.ValidateAsync(plan, connection, CancellationToken.None);
        return BackfillRunner.Create(validated, rig.SourceConnectionString, rig.Target, rig.Log);
    }
}
