using DualWrite.Core.Phases;
using DualWrite.Hosting.Flags;
using static DualWrite.Core.Tests.Flags.FlagHarness;

namespace DualWrite.Core.Tests.Flags;

public sealed class FeatureFlagPhaseSourceFirstUseTests
{
    private static Action<FeatureFlagPhaseSourceOptions> NoTimer => o => o.RefreshInterval = Timeout.InfiniteTimeSpan;

    [Theory]
    [InlineData("OldOnly", MigrationPhase.OldOnly)]
    [InlineData("Backfill", MigrationPhase.Backfill)]
    [InlineData("DualWriteReadOld", MigrationPhase.DualWriteReadOld)]
    [InlineData("DualWriteReadNew", MigrationPhase.DualWriteReadNew)]
    [InlineData("NewOnly", MigrationPhase.NewOnly)]
    public void GetPhase_FlagAssignsAPhaseVariant_ReturnsThatPhase(string variant, MigrationPhase expected)
    {
        using var harness = new FlagHarness(FlagData(("orders", variant)), NoTimer);

        harness.Source.GetPhase("orders").Should().Be(expected);
        harness.Source.GetStatus("orders")!.Health.Should().Be(PhaseSourceHealth.Healthy);
    }

    [Fact]
    public void GetPhase_JsonShapedConfiguration_IsReadLikeAppSettings()
    {
        // The keys a JSON file with a feature_management.feature_flags array produces.
        var data = new Dictionary<string, string?>
        {
            ["feature_management:feature_flags:0:id"] = "DualWrite.orders",
            ["feature_management:feature_flags:0:enabled"] = "true",
            ["feature_management:feature_flags:0:variants:0:name"] = "OldOnly",
            ["feature_management:feature_flags:0:variants:1:name"] = "DualWriteReadOld",
            ["feature_management:feature_flags:0:allocation:default_when_enabled"] = "DualWriteReadOld",
        };
        using var harness = new FlagHarness(data, NoTimer);

        harness.Source.GetPhase("orders").Should().Be(MigrationPhase.DualWriteReadOld);
    }

    [Fact]
    public void GetPhase_CustomPrefix_ReadsThePrefixedFlag()
    {
        var data = new Dictionary<string, string?>();
        PhaseFlagSchema.WriteVariantFlag(data, 0, "Migration-orders", "Backfill");
        using var harness = new FlagHarness(data, o => { o.FlagNamePrefix = "Migration-"; o.RefreshInterval = Timeout.InfiniteTimeSpan; });

        harness.Source.GetPhase("orders").Should().Be(MigrationPhase.Backfill);
    }

    [Fact]
    public void GetPhase_FirstUse_MissingFlag_ThrowsNamingEntityAndFlag()
    {
        using var harness = new FlagHarness(FlagData(("customers", "OldOnly")), NoTimer);

        var act = () => harness.Source.GetPhase("orders");

        var thrown = act.Should().Throw<PhaseUnavailableException>().Which;
        thrown.Entity.Should().Be("orders");
        thrown.FlagName.Should().Be("DualWrite.orders");
        thrown.Problem.Should().Be(PhaseFlagProblem.MissingFlag);
        thrown.Message.Should().Contain("'orders'").And.Contain("'DualWrite.orders'").And.Contain("not defined");
        harness.Source.GetStatus("orders")!.Health.Should().Be(PhaseSourceHealth.Unavailable);
        harness.Source.Health.Should().Be(PhaseSourceHealth.Unavailable);
    }

    [Fact]
    public void GetPhase_FirstUse_DisabledFlag_Throws()
    {
        var data = FlagData(("orders", "DualWriteReadOld"));
        data["feature_management:feature_flags:0:enabled"] = "false";
        data["feature_management:feature_flags:0:allocation:default_when_disabled"] = "OldOnly";
        using var harness = new FlagHarness(data, NoTimer);

        var act = () => harness.Source.GetPhase("orders");

        act.Should().Throw<PhaseUnavailableException>().Which.Problem.Should().Be(PhaseFlagProblem.DisabledFlag);
        act.Should().Throw<PhaseUnavailableException>().WithMessage("*'DualWrite.orders' is disabled*");
    }

    [Fact]
    public void GetPhase_FirstUse_UnknownVariantName_ThrowsNamingTheVariant()
    {
        using var harness = new FlagHarness(FlagData(("orders", "dualwritereadold")), NoTimer);

        var act = () => harness.Source.GetPhase("orders");

        var thrown = act.Should().Throw<PhaseUnavailableException>().Which;
        thrown.Problem.Should().Be(PhaseFlagProblem.UnknownVariant);
        thrown.Message.Should().Contain("'dualwritereadold'").And.Contain("DualWriteReadOld");
    }

    [Theory]
    [InlineData("2")]
    [InlineData(" OldOnly")]
    public void GetPhase_FirstUse_NumericOrPaddedVariant_IsNotAPhase(string variant)
    {
        using var harness = new FlagHarness(FlagData(("orders", variant)), NoTimer);

        var act = () => harness.Source.GetPhase("orders");

        act.Should().Throw<PhaseUnavailableException>().Which.Problem.Should().Be(PhaseFlagProblem.UnknownVariant);
    }

    [Fact]
    public void GetPhase_FirstUse_EnabledFlagWithoutAllocation_ThrowsNoVariant()
    {
        var data = FlagData(("orders", "OldOnly"));
        data.Remove("feature_management:feature_flags:0:allocation:default_when_enabled");
        using var harness = new FlagHarness(data, NoTimer);

        var act = () => harness.Source.GetPhase("orders");

        act.Should().Throw<PhaseUnavailableException>().Which.Problem.Should().Be(PhaseFlagProblem.NoVariant);
    }

    [Fact]
    public void GetPhase_UnavailableEntity_KeepsFailingWithoutReadingAgainOnEveryCall()
    {
        var manager = new StubFeatureManager();
        using var source = new FeatureFlagPhaseSource(manager, null, new FeatureFlagPhaseSourceOptions { RefreshInterval = Timeout.InfiniteTimeSpan });

        for (var i = 0; i < 10; i++)
        {
            FluentActions.Invoking(() => source.GetPhase("orders")).Should().Throw<PhaseUnavailableException>();
        }

        manager.Evaluations.Should().Be(1);
    }

    [Fact]
    public async Task RegisterThenRefresh_ReadsEveryEntityBeforeFirstUse()
    {
        var manager = new StubFeatureManager();
        manager.Set("DualWrite.orders", "Backfill");
        var options = new FeatureFlagPhaseSourceOptions { RefreshInterval = Timeout.InfiniteTimeSpan, Entities = { "orders" } };
        using var source = new FeatureFlagPhaseSource(manager, null, options);
        source.Register("customers");
        source.GetStatuses().Select(s => s.Health).Should().AllBeEquivalentTo(PhaseSourceHealth.NotLoaded);

        await source.RefreshAsync(CancellationToken.None);

        source.GetStatuses().Should().SatisfyRespectively(
            customers => customers.Should().Match<PhaseFlagStatus>(s => s.Entity == "customers" && s.Health == PhaseSourceHealth.Unavailable && s.Problem == PhaseFlagProblem.MissingFlag),
            orders => orders.Should().Match<PhaseFlagStatus>(s => s.Entity == "orders" && s.Phase == MigrationPhase.Backfill && s.Health == PhaseSourceHealth.Healthy));
        var evaluations = manager.Evaluations;
        source.GetPhase("orders").Should().Be(MigrationPhase.Backfill);
        manager.Evaluations.Should().Be(evaluations, "a registered and read entity is served from the cache");
    }

    [Fact]
    public void GetPhase_CachedPhase_DoesNotAllocate()
    {
        using var harness = new FlagHarness(FlagData(("orders", "DualWriteReadNew")), NoTimer);
        harness.Source.GetPhase("orders");

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            harness.Source.GetPhase("orders");
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a:b")]
    public void Register_InvalidEntityName_Throws(string entity)
    {
        using var source = new FeatureFlagPhaseSource(new StubFeatureManager(), null);

        FluentActions.Invoking(() => source.Register(entity)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Options_NonPositiveInterval_IsRejected()
    {
        var options = new FeatureFlagPhaseSourceOptions { RefreshInterval = TimeSpan.Zero };

        FluentActions.Invoking(() => new FeatureFlagPhaseSource(new StubFeatureManager(), null, options)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
