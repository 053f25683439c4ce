using DualWrite.Core.Phases;
using DualWrite.MySql;
using DualWrite.Samples.Orders.Migration;
using DualWrite.Testing;

namespace DualWrite.Samples.Tests;

/// <summary>The orders service's migration, run for real on MariaDB with live traffic, through all five phases and back.</summary>
public sealed class SampleMigrationTests
{
    [Fact]
    public async Task RunsThroughAllFivePhasesAndBack_WithNothingLostStaleOrDifferent()
    {
        MariaDbServer.EnsureReachable();
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var options = new SampleOptions
        {
            ConnectionString = MariaDbServer.ConnectionString(),
            OldDatabase = $"t_sample_old_{suffix}",
            NewDatabase = $"t_sample_new_{suffix}",
            SeedOrders = 400,
            Clients = 2,
            Dwell = TimeSpan.FromMilliseconds(400),
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
            report.Steps.Should().OnlyContain(s => s.Traffic.Operations > 0, "traffic runs in every phase");
            report.Operations.Should().BeGreaterThan(100);
            report.CheckedKeys.Should().BeGreaterThan(0, "the traffic's acknowledged writes are checked");
            report.RoundTrip.Compared.Should().BeGreaterThanOrEqualTo(options.SeedOrders);
            report.AuditEntries.Should().Be(9, "the registration and the eight moves are audited, and nothing else moved the phase");
            output.ToString().Should().Contain("backfill old→new").And.Contain("resync new→old").And.Contain("OK: five phases and back");
        }
        finally
        {
            await DropAsync(options.OldDatabase, options.NewDatabase);
        }
    }

    [Fact]
    public async Task AnUnreachableServer_FailsWithTheServersError_BeforeAnythingRuns()
    {
        var options = new SampleOptions
        {
            ConnectionString = MariaDbServer.ConnectionString(b => b.Port = 1),
            OldDatabase = "t_sample_never_created_old",
            NewDatabase = "t_sample_never_created_new",
        };

        var run = () => new SampleMigration(options, TextWriter.Null).RunAsync(CancellationToken.None);

        await run.Should().ThrowAsync<MySqlException>();
    }

    private static async Task DropAsync(params string[] databases)
    {
        await using var connection = await MariaDbServer.OpenAsync();
        foreach (var database in databases)
        {
            await using var command = new MySqlCommand($"DROP DATABASE IF EXISTS `{database}`", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
