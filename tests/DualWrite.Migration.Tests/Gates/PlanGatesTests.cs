using DualWrite.Migration.Gates;
using DualWrite.MySql.Control;

namespace DualWrite.Migration.Tests.Gates;

public sealed class PlanGatesTests
{
    [Fact]
    public async Task For_BuildsTheNamedGates_AfterTheVersionOrder_EachOnce()
    {
        await using var rig = await GateRig.CreateAsync("g_for", p => p with { Gates = ["secondary-errors", "reconciled", "version-order", "cdc-lag", "reconciled"] });

        var gates = PlanGates.For(rig.Plan, new GateServers(rig.Servers.Source, rig.Servers.Source, rig.Tables) { Target = rig.Servers.Target });

        gates.Select(g => g.Name).Should().Equal("version-order", "secondary-errors", "reconciled", "cdc-lag");
    }

    [Fact]
    public async Task For_AGateThatReadsTheTarget_WithoutIt_Throws()
    {
        await using var rig = await GateRig.CreateAsync("g_for_target", p => p with { Gates = ["cdc-lag"] });

        var act = () => PlanGates.For(rig.Plan, new GateServers(rig.Servers.Source, rig.Servers.Source, new PhaseControlTables()));

        PlanGates.ReadsTarget(rig.Plan.Plan).Should().BeTrue();
        act.Should().Throw<ArgumentException>().WithMessage("*cdc-lag*target*");
    }

    [Fact]
    public async Task For_AnUnknownGateInAPlanBuiltInCode_Throws()
    {
        await using var rig = await GateRig.CreateAsync("g_for_unknown", p => p with { Gates = ["stores-agree"] });

        var act = () => PlanGates.For(rig.Plan, new GateServers(rig.Servers.Source, rig.Servers.Source, rig.Tables) { Target = rig.Servers.Target });

        act.Should().Throw<ArgumentException>().WithMessage("*'stores-agree'*version-order, reconciled, cdc-lag, secondary-errors*");
    }
}
