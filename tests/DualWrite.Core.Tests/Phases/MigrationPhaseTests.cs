using DualWrite.Core.Phases;

namespace DualWrite.Core.Tests.Phases;

public sealed class MigrationPhaseTests
{
    [Theory]
    [InlineData(MigrationPhase.OldOnly, StoreRole.Old, false, StoreRole.Old)]
    [InlineData(MigrationPhase.Backfill, StoreRole.Old, false, StoreRole.Old)]
    [InlineData(MigrationPhase.DualWriteReadOld, StoreRole.Old, true, StoreRole.Old)]
    [InlineData(MigrationPhase.DualWriteReadNew, StoreRole.New, true, StoreRole.New)]
    [InlineData(MigrationPhase.NewOnly, StoreRole.New, false, StoreRole.New)]
    public void Routing_FollowsThePhaseTable(MigrationPhase phase, StoreRole authority, bool writesSecondary, StoreRole reads) =>
        phase.Routing().Should().Be(new PhaseRouting(phase, authority, writesSecondary, reads));

    [Theory]
    [InlineData(MigrationPhase.DualWriteReadOld, StoreRole.New)]
    [InlineData(MigrationPhase.DualWriteReadNew, StoreRole.Old)]
    public void Routing_SecondaryIsTheNonAuthoritativeStore(MigrationPhase phase, StoreRole secondary) =>
        phase.Routing().Secondary.Should().Be(secondary);

    [Fact]
    public void Routing_ReadsAlwaysComeFromTheWriteAuthority()
    {
        // Reading from the store written second could show a value older than one already acknowledged.
        foreach (var phase in Enum.GetValues<MigrationPhase>())
        {
            phase.Routing().Reads.Should().Be(phase.Routing().WriteAuthority, because: phase.ToString());
        }
    }

    [Fact]
    public void Routing_UndefinedPhase_Throws()
    {
        var act = () => ((MigrationPhase)42).Routing();

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void NextAndPrevious_WalkThePhasesInOrder()
    {
        MigrationPhase.OldOnly.Next().Should().Be(MigrationPhase.Backfill);
        MigrationPhase.DualWriteReadNew.Next().Should().Be(MigrationPhase.NewOnly);
        MigrationPhase.NewOnly.Next().Should().BeNull();
        MigrationPhase.NewOnly.Previous().Should().Be(MigrationPhase.DualWriteReadNew);
        MigrationPhase.Backfill.Previous().Should().Be(MigrationPhase.OldOnly);
        MigrationPhase.OldOnly.Previous().Should().BeNull();
        ((MigrationPhase)(-1)).Next().Should().BeNull();
        ((MigrationPhase)9).Previous().Should().BeNull();
    }

    [Fact]
    public void IsDefined_AcceptsOnlyNamedPhases()
    {
        Enum.GetValues<MigrationPhase>().Should().OnlyContain(p => p.IsDefined());
        ((MigrationPhase)5).IsDefined().Should().BeFalse();
        ((MigrationPhase)(-1)).IsDefined().Should().BeFalse();
    }
}
