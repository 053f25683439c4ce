using System.Text.Json;
using DualWrite.Cli;
using DualWrite.Cli.Commands;
using DualWrite.Testing;
using Microsoft.Extensions.Time.Testing;

namespace DualWrite.Cli.Tests;

/// <summary><c>backfill run --worker</c> and <c>backfill status [--wait]</c>.</summary>
public sealed partial class CliTests
{
    private static string? TestEnvironment(string name) =>
        name == "DUALWRITE_TEST_PG" ? PostgreSqlServer.ConnectionString() : Environment.GetEnvironmentVariable(name);

    [Fact]
    public async Task BackfillStatus_WaitOnAPlanNeverRun_TimesOutWithItsExitCode()
    {
        var file = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, PlanYaml("nowhere", "  - table: items", schema: $"never_{Guid.NewGuid():N}"[..20]));
        try
        {
            var (console, output) = Capture();
            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var exit = await Eventually.AdvancingAsync(time, TimeSpan.FromSeconds(1),
                BackfillStatusCommand.RunAsync(new(file, Json: false, Wait: "caught-up", Timeout: "5s"), TestEnvironment, console, output, time, CancellationToken.None),
                "the wait to time out");
            exit.Should().Be(ExitCodes.WaitTimedOut, output.ToString());
            output.ToString().Should().Contain("no backfill has run into the target yet").And.Contain("timed out after 5 s waiting for caught-up");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--wait", "done-ish")]
    [InlineData("--timeout", "soon")]
    public async Task BackfillStatus_BadArguments_AreRefusedBeforeAnythingIsRead(string option, string value)
    {
        var (console, output) = Capture();
        var arguments = new BackfillStatusCommand.Arguments("missing.yaml", Json: false, Wait: option == "--wait" ? value : null, Timeout: option == "--timeout" ? value : null);
        (await BackfillStatusCommand.RunAsync(arguments, TestEnvironment, console, output, TimeProvider.System, CancellationToken.None)).Should().Be(ExitCodes.InvalidArguments);
        output.ToString().Should().Contain($"{option} {value}");
    }

    [Theory]
    [InlineData("0s", false, null)]
    [InlineData("30s", true, null)]
    [InlineData("30s", false, "")]
    public async Task BackfillRun_BadWorkerArguments_AreRefused(string lease, bool resnapshot, string? workerId)
    {
        var (console, output) = Capture();
        var arguments = new BackfillCommands.Arguments("missing.yaml", resnapshot, Follow: false, Compare: false) { Worker = true, Lease = lease, WorkerId = workerId };
        (await BackfillCommands.RunAsync(arguments, TestEnvironment, console, output, CancellationToken.None)).Should().Be(ExitCodes.InvalidArguments, output.ToString());
    }

    [Fact]
    public async Task BackfillStatus_AfterAWorkerRan_SaysSnapshotDoneAndCaughtUp_InTextAndJson()
    {
        var database = $"cli_{Guid.NewGuid():N}"[..20];
        var schema = $"st_{Guid.NewGuid():N}"[..20];
        await ExecuteAsync($"CREATE DATABASE `{database}`; CREATE TABLE `{database}`.`items` (id INT PRIMARY KEY, name VARCHAR(20)) ENGINE=InnoDB; " +
            $"INSERT INTO `{database}`.`items` SELECT seq, CONCAT('n', seq) FROM seq_1_to_3000");
        var file = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, PlanYaml(database, "  - table: items", schema: schema, backfill: "{ chunkSize: 100 }"));
        try
        {
            var (console, output) = Capture();
            var run = new BackfillCommands.Arguments(file, Resnapshot: false, Follow: false, Compare: false) { Worker = true, WorkerId = "cli-worker" };
            (await BackfillCommands.RunAsync(run, TestEnvironment, console, output, CancellationToken.None)).Should().Be(ExitCodes.Success, output.ToString());

            foreach (var condition in BackfillStatusCommand.Conditions)
            {
                (console, output) = Capture();
                (await BackfillStatusCommand.RunAsync(new(file, Json: false, Wait: condition, Timeout: "1m"), TestEnvironment, console, output, TimeProvider.System, CancellationToken.None))
                    .Should().Be(ExitCodes.Success, "{0} holds: {1}", condition, output.ToString());
            }

            output.ToString().Should().Contain("snapshot done, catch-up caught up").And.Contain("items: ranges").And.Contain("3,000 rows");

            (console, output) = Capture();
            (await BackfillStatusCommand.RunAsync(new(file, Json: true, Wait: null, Timeout: null), TestEnvironment, console, output, TimeProvider.System, CancellationToken.None))
                .Should().Be(ExitCodes.Success);
            using var json = JsonDocument.Parse(output.ToString());
            var root = json.RootElement;
            root.GetProperty("schemaVersion").GetInt32().Should().Be(1);
            root.GetProperty("snapshotDone").GetBoolean().Should().BeTrue();
            root.GetProperty("caughtUp").GetBoolean().Should().BeTrue();
            var entity = root.GetProperty("entities").EnumerateArray().Single();
            entity.GetProperty("entity").GetString().Should().Be("items");
            entity.GetProperty("rows").GetInt64().Should().Be(3000);
            entity.GetProperty("rangesDone").GetInt32().Should().Be(entity.GetProperty("rangesTotal").GetInt32());
            entity.GetProperty("chunks").GetInt64().Should().BeGreaterThanOrEqualTo(30, "3,000 rows in chunks of at most 100");
            root.GetProperty("catchUp").GetProperty("leader").GetString().Should().Be("cli-worker");
            root.GetProperty("catchUp").GetProperty("endedCaughtUp").GetBoolean().Should().BeTrue();
        }
        finally
        {
            File.Delete(file);
            await ExecuteAsync($"DROP DATABASE `{database}`");
            await using var target = Npgsql.NpgsqlDataSource.Create(PostgreSqlServer.ConnectionString());
            await using var drop = target.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }
}
