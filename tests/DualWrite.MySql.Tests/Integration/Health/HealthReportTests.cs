using DualWrite.Core.Diagnostics;
using DualWrite.Core.Phases;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;
using DualWrite.Hosting.DependencyInjection;
using DualWrite.MySql.Health;
using DualWrite.MySql.Tests.Integration.Control;
using DualWrite.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace DualWrite.MySql.Tests.Integration.Health;

/// <summary>An instance's decorator figures reach the health report table, where the gates of another process sum them.</summary>
public sealed class HealthReportTests : PhaseControlTestBase
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);

    private MySqlHealthReporter Reporter(DualWriteMetrics metrics, string instance = "app-1") =>
        new(DataSource, Tables, metrics, new MySqlHealthReportOptions { Instance = instance }, _clock);

    /// <summary>The base class made the control tables, health table included, as `dualwrite phase init` does.</summary>
    private Task DropHealthTableAsync() => ExecuteAsync($"DROP TABLE `{Tables.HealthTable}`");

    private static void Write(DualWriteMetrics metrics, string entity, int writes, int errors)
    {
        for (var i = 0; i < writes; i++)
        {
            metrics.RecordSecondaryWrite(entity, StoreRole.New, "upsert", TimeSpan.FromMilliseconds(1), failed: i < errors);
        }
    }

    [Fact]
    public async Task EachReport_HoldsWhatWasCountedSinceTheLastOne_PerEntity_AndTheTableIsMadeWhenMissing()
    {
        await DropHealthTableAsync();
        using var metrics = new DualWriteMetrics();
        Write(metrics, "orders", 50, 1);
        var reporter = Reporter(metrics);
        metrics.TrackPhase("orders", () => MigrationPhase.DualWriteReadOld);
        metrics.TrackPhase("customers", () => MigrationPhase.Backfill);
        Write(metrics, "orders", 200, 3);
        metrics.RecordShadowComparison("orders", ShadowReadResult.Match);
        metrics.RecordShadowComparison("orders", ShadowReadResult.Mismatch);
        metrics.RecordShadowComparison("orders", ShadowReadResult.Timeout);
        _clock.Advance(TimeSpan.FromSeconds(10));

        (await reporter.PublishAsync(Ct)).Should().Be(2);
        Write(metrics, "orders", 100, 0);
        _clock.Advance(TimeSpan.FromSeconds(10));
        await reporter.PublishAsync(Ct);

        (await MySqlHealthReports.SumAsync(DataSource, Tables, "orders", Start, Ct)).Should().Be(
            new HealthReportTotals(1, 300, 3, 2, 1, Start, Start.AddSeconds(20)), "what was counted before the reporter started is not reported");
        (await MySqlHealthReports.SumAsync(DataSource, Tables, "orders", Start.AddSeconds(10), Ct)).Should().Be(
            new HealthReportTotals(1, 100, 0, 0, 0, Start.AddSeconds(10), Start.AddSeconds(20)), "a report counts when its window began at or after the time asked for");
        (await MySqlHealthReports.SumAsync(DataSource, Tables, "customers", Start, Ct)).Should().Be(
            new HealthReportTotals(1, 0, 0, 0, 0, Start, Start.AddSeconds(20)), "an instance with nothing to count still says it is there");
        (await MySqlHealthReports.SumAsync(DataSource, Tables, "payments", Start, Ct)).Should().Be(HealthReportTotals.None);
    }

    [Fact]
    public async Task Reports_OfSeveralInstances_AreSummed()
    {
        using var first = new DualWriteMetrics();
        using var second = new DualWriteMetrics();
        var one = Reporter(first, "app-1");
        var two = Reporter(second, "app-2");
        Write(first, "orders", 120, 2);
        Write(second, "orders", 80, 1);
        _clock.Advance(TimeSpan.FromSeconds(10));

        await one.PublishAsync(Ct);
        await two.PublishAsync(Ct);

        var totals = await MySqlHealthReports.SumAsync(DataSource, Tables, "orders", Start, Ct);
        (totals.Instances, totals.SecondaryWrites, totals.SecondaryErrors).Should().Be((2, 200L, 3L));
    }

    [Fact]
    public async Task NoTable_ReadsAsNothingReported()
    {
        await DropHealthTableAsync();
        var totals = await MySqlHealthReports.SumAsync(DataSource, Tables, "orders", Start, Ct);

        totals.Should().Be(HealthReportTotals.None);
    }

    [Fact]
    public async Task AReportThatCannotBeWritten_IsCarriedIntoTheNextOne()
    {
        using var metrics = new DualWriteMetrics();
        var reporter = Reporter(metrics);
        await DropHealthTableAsync();
        await ExecuteAsync($"CREATE TABLE `{Tables.HealthTable}` (`unrelated` INT)");
        Write(metrics, "orders", 10, 1);
        _clock.Advance(TimeSpan.FromSeconds(10));

        var failing = () => reporter.PublishAsync(Ct);

        await failing.Should().ThrowAsync<MySqlException>();
        await ExecuteAsync($"DROP TABLE `{Tables.HealthTable}`");
        Write(metrics, "orders", 5, 0);
        _clock.Advance(TimeSpan.FromSeconds(10));
        await reporter.PublishAsync(Ct);
        (await MySqlHealthReports.SumAsync(DataSource, Tables, "orders", Start, Ct)).Should().Be(new HealthReportTotals(1, 15, 1, 0, 0, Start, Start.AddSeconds(20)));
    }

    [Fact]
    public async Task UseMySqlHealthReports_PublishesTheDecoratorsFigures_EveryInterval()
    {
        await Control().InitializeAsync("orders", "setup", Ct);
        var phases = new InMemoryPhaseSource();
        phases.SetPhase("orders", MigrationPhase.DualWriteReadOld);
        var @new = new InMemoryVersionedStore<long, string>();
        @new.FailNextWrites(1, new TimeoutException("new store down"));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddDualWrite(o => o.Entities["orders"] = new() { SecondaryWrites = { MaxRetryAttempts = 0 } })
            .UsePhaseSource(_ => phases)
            .UseMySqlPhaseControl(MariaDbServer.ConnectionString(), Tables)
            .UseMySqlHealthReports(o => o.Interval = TimeSpan.FromSeconds(5))
            .AddEntity("orders", _ => new InMemoryVersionedStore<long, string>(), _ => @new, _ => new InMemoryRepairLog<long>());
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredKeyedService<IVersionedStore<long, string>>("orders");
        var reports = provider.GetServices<IHostedService>().OfType<MySqlHealthReportService>().Should().ContainSingle().Subject;
        await reports.StartAsync(Ct);
        for (var key = 1; key <= 4; key++)
        {
            await store.UpsertAsync(new(key, 1, "v"), Ct);
        }

        await Eventually.WaitUntilAsync(
            async () =>
            {
                _clock.Advance(TimeSpan.FromSeconds(1));
                return (await MySqlHealthReports.SumAsync(DataSource, Tables, "orders", Start, Ct)).SecondaryWrites == 4;
            },
            "the decorator's figures to be reported");
        await reports.StopAsync(Ct);

        var totals = await MySqlHealthReports.SumAsync(DataSource, Tables, "orders", Start, Ct);
        (totals.Instances, totals.SecondaryErrors).Should().Be((1, 1L));
    }

    [Fact]
    public async Task UseMySqlHealthReports_WithoutThePhaseControl_FailsWhenStarted_SayingWhatIsMissing()
    {
        var services = new ServiceCollection();
        services.AddDualWrite(_ => { }).UseMySqlHealthReports();
        await using var provider = services.BuildServiceProvider();

        var act = () => provider.GetServices<IHostedService>().ToList();

        act.Should().Throw<InvalidOperationException>().WithMessage("*UseMySqlPhaseControl*");
    }

    [Theory]
    [InlineData("", 10, 100)]
    [InlineData("app", 0, 100)]
    [InlineData("app", 10, 10)]
    public void Options_OutOfRange_AreRefused(string instance, int intervalSeconds, int retentionSeconds)
    {
        var services = new ServiceCollection();
        var act = () => services.AddDualWrite(_ => { }).UseMySqlHealthReports(o =>
        {
            o.Instance = instance;
            o.Interval = TimeSpan.FromSeconds(intervalSeconds);
            o.Retention = TimeSpan.FromSeconds(retentionSeconds);
        });

        act.Should().Throw<ArgumentException>();
    }
}
