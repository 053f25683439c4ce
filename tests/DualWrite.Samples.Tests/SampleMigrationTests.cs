using DualWrite.Core.Phases;
using DualWrite.Samples.Orders.Migration;
using DualWrite.Testing;
using MySqlConnector;

namespace DualWrite.Samples.Tests;

/// <summary>The orders service's migration, run for real from MariaDB to PostgreSQL with live traffic, through all five phases and back.</summary>
public sealed class SampleMigrationTests
{
    [Fact]
    public async Task RunsThroughAllFivePhasesAndBack_WithNothingLostStaleOrDifferent()
    {
        MariaDbServer.EnsureReachable();
        PostgreSqlServer.EnsureReachable();
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var options = new SampleOptions
        {
            ConnectionString = MariaDbServer.ConnectionString(),
            PostgreSqlConnectionString = PostgreSqlServer.ConnectionString(),
            OldDatabase = $"t_sample_{suffix}",
            NewSchema = $"t_sample_{suffix}",
            SeedOrders = 400,
            Clients = 2,
            // No time to dwell: each phase lasts until the traffic completed so many operations, however long that takes.
            Dwell = TimeSpan.Zero,
            MinimumOperationsPerPhase = 60,
            Seed = 7,
        };
        var output = new StringWriter();

        try
        {
            var report = await new SampleMigration(options, output).RunAsync(CancellationToken.None);

            report.Succeeded.Should().BeTrue(output.ToString());
            report.Steps.Select(s => s.To).Should().Equal(
                [
                    MigrationPhase.Backfill, MigrationPhase.DualWriteReadOld, MigrationPhase.DualWriteReadNew, MigrationPhase.NewOnly,
                    MigrationPhase.DualWriteReadNew, MigrationPhase.DualWriteReadOld, MigrationPhase.Backfill, MigrationPhase.OldOnly,
                ],
                "the run advances through every phase and steps back through every phase");
            report.Steps.Should().OnlyContain(s => s.Traffic.Operations >= options.MinimumOperationsPerPhase, "traffic runs in every phase");
            report.PlacementsNotOnce.Should().BeEmpty("each placement's event commits in the placement's transaction, once");
            report.Operations.Should().BeGreaterThan(100);
            report.CheckedKeys.Should().BeGreaterThan(0, "the traffic's acknowledged writes are checked");
            report.RoundTrip.SourceRows.Should().BeGreaterThanOrEqualTo(options.SeedOrders);
            report.AuditEntries.Should().Be(9, "the registration and the eight moves are audited, and nothing else moved the phase");
            report.Steps.Where(s => s.From != MigrationPhase.OldOnly).Should().OnlyContain(s => s.OutOfBandWrites > 0, "the back-office job writes with plain SQL in every phase");
            report.OutOfBandNotArrived.Should().BeEmpty("the catch-up carries every plain-SQL change into PostgreSQL, in every phase");
            report.EndComparison.Clean.Should().BeTrue();
            report.Reconciliation.Entities.Should().ContainSingle().Which.Clean.Should().BeTrue("the plan's reconciliation finds both sides equal");
            output.ToString().Should().Contain("backfill: ").And.Contain("old store fed from NewOnly").And.Contain("OK: five phases and back");

            // The same end state, seen by the stock clients alone.
            var (exitCode, dump) = await RunAsync("bash", Path.Combine(MariaDbServer.RepositoryRoot(), "eng", "dump-compare.sh"), options.OldDatabase, options.NewSchema);
            exitCode.Should().Be(0, dump);
            dump.Should().Contain("dumps identical");
        }
        finally
        {
            await MariaDbServer.DropDatabaseAsync(options.OldDatabase);
            await using var postgres = PostgreSqlServer.CreateDataSource();
            await using var drop = postgres.CreateCommand($"DROP SCHEMA IF EXISTS \"{options.NewSchema}\" CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task AnUnreachableServer_FailsWithTheServersError_BeforeAnythingRuns()
    {
        var options = new SampleOptions
        {
            ConnectionString = MariaDbServer.ConnectionString(b => b.Port = 1),
            PostgreSqlConnectionString = PostgreSqlServer.ConnectionString(),
            OldDatabase = "t_sample_never_created",
            NewSchema = "t_sample_never_created",
        };

        var run = () => new SampleMigration(options, TextWriter.Null).RunAsync(CancellationToken.None);

        await run.Should().ThrowAsync<MySqlException>();
    }
}
