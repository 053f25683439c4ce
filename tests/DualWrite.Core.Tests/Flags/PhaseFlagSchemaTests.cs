using DualWrite.Core.Phases;
using DualWrite.Hosting.Flags;

namespace DualWrite.Core.Tests.Flags;

public sealed class PhaseFlagSchemaTests
{
    [Fact]
    public void PhaseNames_AreTheEnumNamesInPhaseOrder() =>
        PhaseFlagSchema.PhaseNames.Should().Equal("OldOnly", "Backfill", "DualWriteReadOld", "DualWriteReadNew", "NewOnly");

    [Theory]
    [InlineData("NewOnly", true)]
    [InlineData("newonly", false)]
    [InlineData("4", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TryParsePhase_AcceptsExactNamesOnly(string? name, bool parses)
    {
        PhaseFlagSchema.TryParsePhase(name, out var phase).Should().Be(parses);
        if (parses)
        {
            phase.Should().Be(MigrationPhase.NewOnly);
        }
    }

    [Fact]
    public void WriteVariantFlag_WritesTheMicrosoftSchemaKeys()
    {
        var data = new Dictionary<string, string?>();

        PhaseFlagSchema.WriteVariantFlag(data, 3, PhaseFlagSchema.FlagName("DualWrite.", "orders"), "Backfill");

        data.Should().BeEquivalentTo(new Dictionary<string, string?>
        {
            ["feature_management:feature_flags:3:id"] = "DualWrite.orders",
            ["feature_management:feature_flags:3:enabled"] = "true",
            ["feature_management:feature_flags:3:variants:0:name"] = "Backfill",
            ["feature_management:feature_flags:3:allocation:default_when_enabled"] = "Backfill",
        });
    }

    [Fact]
    public void FlagName_PrefixWithColon_IsRejected() =>
        FluentActions.Invoking(() => PhaseFlagSchema.FlagName("a:", "orders")).Should().Throw<ArgumentException>().WithParameterName("prefix");
}
