using DualWrite.Core.Phases;
using DualWrite.Hosting.Flags;
using DualWrite.MySql.Control;
using DualWrite.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using Microsoft.FeatureManagement;

namespace DualWrite.MySql.Tests.Integration.Control;

/// <summary>The phase table as a configuration source: what it serves, when it signals, and how it fails.</summary>
public sealed class MySqlPhaseConfigurationProviderTests : PhaseControlTestBase
{
    [Fact]
    public async Task Rows_AreServedAsVariantFlags_InTheMicrosoftSchema()
    {
        var control = Control();
        await control.InitializeAsync("orders", "test", CancellationToken.None);
        await control.InitializeAsync("customers", "test", CancellationToken.None);
        await control.AdvanceAsync("orders", "test", "go", CancellationToken.None);

        using var root = (ConfigurationRoot)new ConfigurationBuilder()
            .AddDualWritePhasesFromMySql(MariaDbServer.ConnectionString(), o => { o.Tables = Tables; o.FlagNamePrefix = "Migration."; })
            .Build();

        var flags = root.GetSection(PhaseFlagSchema.FeatureFlagsPath).GetChildren()
            .Select(f => (Id: f["id"], Enabled: f["enabled"], Variant: f["variants:0:name"], Default: f["allocation:default_when_enabled"]))
            .OrderBy(f => f.Id, StringComparer.Ordinal);
        flags.Should().Equal(("Migration.customers", "true", "OldOnly", "OldOnly"), ("Migration.orders", "true", "Backfill", "Backfill"));
    }

    [Fact]
    public async Task WithOtherFlagSources_MergedById_TheTableWinsForItsFlags_AndOtherFlagsStay()
    {
        var control = Control();
        await control.InitializeAsync("orders", "test", CancellationToken.None);
        await control.AdvanceAsync("orders", "test", "go", CancellationToken.None);

        // What an appsettings.json with its own flags gives: another feature, and a stale phase flag for the same entity.
        var appSettings = new Dictionary<string, string?>
        {
            ["feature_management:feature_flags:0:id"] = "Checkout.NewUi",
            ["feature_management:feature_flags:0:enabled"] = "true",
        };
        PhaseFlagSchema.WriteVariantFlag(appSettings, 1, "DualWrite.orders", "NewOnly");
        using var root = (ConfigurationRoot)new ConfigurationBuilder()
            .AddInMemoryCollection(appSettings)
            .AddDualWritePhasesFromMySql(MariaDbServer.ConnectionString(), o => o.Tables = Tables)
            .Build();
        using var definitions = new ConfigurationFeatureDefinitionProvider(root, new ConfigurationFeatureDefinitionProviderOptions { CustomConfigurationMergingEnabled = true });
        var manager = new FeatureManager(definitions, new FeatureManagementOptions());
        using var phases = new FeatureFlagPhaseSource(manager, root);

        phases.GetPhase("orders").Should().Be(MigrationPhase.Backfill, "the source added last wins for the same flag id");
        (await manager.IsEnabledAsync("Checkout.NewUi", CancellationToken.None)).Should().BeTrue("flags are merged by id, not by array index");
    }

    [Fact]
    public async Task Polls_SignalAReload_OnlyWhenARowChanged()
    {
        var control = Control();
        await control.InitializeAsync("orders", "test", CancellationToken.None);
        var clock = new FakeTimeProvider();
        using var root = (ConfigurationRoot)new ConfigurationBuilder()
            .AddDualWritePhasesFromMySql(MariaDbServer.ConnectionString(), o => { o.Tables = Tables; o.TimeProvider = clock; })
            .Build();
        var provider = root.Providers.OfType<MySqlPhaseConfigurationProvider>().Single();
        var reloads = 0;
        using var subscription = ChangeToken.OnChange(root.GetReloadToken, () => Interlocked.Increment(ref reloads));

        for (var i = 0; i < 3; i++)
        {
            await PollOnceAsync(clock, provider);
        }

        reloads.Should().Be(0, "nothing changed");
        await control.AdvanceAsync("orders", "test", "go", CancellationToken.None);
        await PollOnceAsync(clock, provider);
        reloads.Should().Be(1);
        await PollOnceAsync(clock, provider);
        reloads.Should().Be(1);
        root["feature_management:feature_flags:0:allocation:default_when_enabled"].Should().Be("Backfill");
    }

    [Fact]
    public void FirstLoad_MissingTable_FailsClearly_WithoutCredentials()
    {
        var tables = new PhaseControlTables("t_phase_never_created", "t_phase_audit_never_created");

        var act = () => new ConfigurationBuilder().AddDualWritePhasesFromMySql(MariaDbServer.ConnectionString(), o => o.Tables = tables).Build();

        var thrown = act.Should().Throw<InvalidOperationException>().Which;
        thrown.Message.Should().Contain("t_phase_never_created").And.Contain($"{MariaDbServer.Host}:{MariaDbServer.Port}").And.Contain("dualwrite phase init");
        thrown.Message.Should().NotContain(MariaDbServer.Password);
        thrown.InnerException.Should().BeOfType<MySqlException>();
    }

    [Fact]
    public void FirstLoad_WrongPassword_FailsClearly_WithoutTheAttemptedPassword()
    {
        const string attempted = "not-the-password-4711";

        var act = () => new ConfigurationBuilder()
            .AddDualWritePhasesFromMySql(MariaDbServer.ConnectionString(b => b.Password = attempted), o => o.Tables = Tables)
            .Build();

        var thrown = act.Should().Throw<InvalidOperationException>().Which;
        thrown.Message.Should().Contain(Tables.PhaseTable).And.NotContain(attempted);
    }

    [Fact]
    public async Task Optional_StartsWithoutTheTable_AndPicksItUpLater()
    {
        var later = new PhaseControlTables($"{Tables.PhaseTable}_later", $"{Tables.AuditTable}_later", $"{Tables.HealthTable}_later");
        try
        {
            using var instance = new AppInstance(later, o => o.Optional = true);
            instance.Provider.LastError.Should().Contain("doesn't exist");

            var control = new MySqlPhaseControl(DataSource, new PhaseTransitionPlanner([], TimeProvider.System), later);
            await control.EnsureSchemaAsync(CancellationToken.None);
            await control.InitializeAsync("orders", "test", CancellationToken.None);

            await Eventually.WaitUntilAsync(() => instance.Provider.LastError is null && instance.Configuration.GetSection(PhaseFlagSchema.FeatureFlagsPath).GetChildren().Any(), "the table to be read");
            instance.Phases.GetPhase("orders").Should().Be(MigrationPhase.OldOnly);
        }
        finally
        {
            await ExecuteAsync($"DROP TABLE IF EXISTS `{later.PhaseTable}`, `{later.AuditTable}`, `{later.HealthTable}`");
        }
    }

    [Fact]
    public async Task FailingPolls_KeepTheLastPhases_WarnOnce_AndRecover()
    {
        var control = Control();
        await control.InitializeAsync("orders", "test", CancellationToken.None);
        await control.AdvanceAsync("orders", "test", "go", CancellationToken.None);
        var logs = new CapturingLoggerFactory();
        using var instance = new AppInstance(Tables, o => o.LoggerFactory = logs, "orders");
        instance.Phases.GetPhase("orders").Should().Be(MigrationPhase.Backfill);

        await ExecuteAsync($"RENAME TABLE `{Tables.PhaseTable}` TO `{Tables.PhaseTable}_away`");
        try
        {
            await Eventually.WaitUntilAsync(() => instance.Provider.ConsecutiveFailures >= 3, "polls to fail");
        }
        finally
        {
            await ExecuteAsync($"RENAME TABLE `{Tables.PhaseTable}_away` TO `{Tables.PhaseTable}`");
        }

        instance.Phases.GetPhase("orders").Should().Be(MigrationPhase.Backfill);
        instance.Phases.Health.Should().Be(PhaseSourceHealth.Healthy, "the flags themselves did not change");
        logs.Logger.Warnings.Should().ContainSingle(e => e.Id.Id == 2101).Which.Message.Should().Contain(Tables.PhaseTable).And.NotContain(MariaDbServer.Password);
        await Eventually.WaitUntilAsync(() => instance.Provider.ConsecutiveFailures == 0, "polls to work again");
        instance.Provider.LastError.Should().BeNull();
        await control.AdvanceAsync("orders", "test", "go on", CancellationToken.None);
        await Eventually.WaitUntilAsync(() => instance.Phases.GetPhase("orders") == MigrationPhase.DualWriteReadOld, "the next flip");
    }

    [Fact]
    public async Task EnsureSchema_IsIdempotent()
    {
        var control = Control();
        await control.InitializeAsync("orders", "test", CancellationToken.None);

        await control.EnsureSchemaAsync(CancellationToken.None);

        (await control.GetPhasesAsync(CancellationToken.None)).Should().ContainSingle().Which.Entity.Should().Be("orders");
    }

    /// <summary>Advances the clock by one poll interval, which fires the poll timer, and waits until the poll it started has finished.</summary>
    private static async Task PollOnceAsync(FakeTimeProvider clock, MySqlPhaseConfigurationProvider provider)
    {
        clock.Advance(MySqlPhaseConfigurationOptions.DefaultPollInterval);
        await Eventually.WaitUntilAsync(() => provider.LastSuccessfulPoll == clock.GetUtcNow(), "the poll");
    }

    private sealed class CapturingLoggerFactory : ILoggerFactory
    {
        public CapturingLogger<MySqlPhaseConfigurationProvider> Logger { get; } = new();

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => Logger;

        public void Dispose()
        {
        }
    }
}
