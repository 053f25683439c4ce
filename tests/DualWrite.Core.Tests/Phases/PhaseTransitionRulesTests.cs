using DualWrite.Core.Phases;
using static DualWrite.Core.Phases.MigrationPhase;
using static DualWrite.Core.Phases.PhaseTransitionKind;
using static DualWrite.Core.Phases.PhaseTransitionRejection;

namespace DualWrite.Core.Tests.Phases;

public sealed class PhaseTransitionRulesTests
{
    [Theory]
    [InlineData(OldOnly, Backfill)]
    [InlineData(Backfill, DualWriteReadOld)]
    [InlineData(DualWriteReadOld, DualWriteReadNew)]
    [InlineData(DualWriteReadNew, NewOnly)]
    public void Advance_OneStepForward_IsWellFormed(MigrationPhase from, MigrationPhase to) =>
        PhaseTransitionRules.Check(from, to, Advance).Should().Be(None);

    [Theory]
    [InlineData(OldOnly, DualWriteReadOld)]
    [InlineData(Backfill, NewOnly)]
    [InlineData(OldOnly, NewOnly)]
    public void Advance_SkippingPhases_IsRejected(MigrationPhase from, MigrationPhase to) =>
        PhaseTransitionRules.Check(from, to, Advance).Should().Be(SkipsPhases);

    [Fact]
    public void Advance_Backwards_IsWrongDirection() =>
        PhaseTransitionRules.Check(DualWriteReadNew, DualWriteReadOld, Advance).Should().Be(WrongDirection);

    [Theory]
    [InlineData(NewOnly, DualWriteReadNew)]
    [InlineData(DualWriteReadNew, DualWriteReadOld)]
    [InlineData(DualWriteReadOld, Backfill)]
    [InlineData(Backfill, OldOnly)]
    public void StepBack_OneStepBack_IsWellFormed(MigrationPhase from, MigrationPhase to) =>
        PhaseTransitionRules.Check(from, to, StepBack).Should().Be(None);

    [Fact]
    public void StepBack_SeveralSteps_IsRejected() =>
        PhaseTransitionRules.Check(NewOnly, DualWriteReadOld, StepBack).Should().Be(SkipsPhases);

    [Fact]
    public void StepBack_Forwards_IsWrongDirection() =>
        PhaseTransitionRules.Check(Backfill, DualWriteReadOld, StepBack).Should().Be(WrongDirection);

    [Theory]
    [InlineData(NewOnly, OldOnly)]
    [InlineData(NewOnly, DualWriteReadOld)]
    [InlineData(DualWriteReadNew, Backfill)]
    [InlineData(Backfill, OldOnly)]
    public void RollbackTo_AnyEarlierPhase_IsWellFormed(MigrationPhase from, MigrationPhase to) =>
        PhaseTransitionRules.Check(from, to, RollbackTo).Should().Be(None);

    [Fact]
    public void RollbackTo_LaterPhase_IsWrongDirection() =>
        PhaseTransitionRules.Check(Backfill, NewOnly, RollbackTo).Should().Be(WrongDirection);

    [Theory]
    [InlineData(Advance)]
    [InlineData(StepBack)]
    [InlineData(RollbackTo)]
    public void SamePhase_IsNoChange(PhaseTransitionKind kind) =>
        PhaseTransitionRules.Check(DualWriteReadOld, DualWriteReadOld, kind).Should().Be(NoChange);

    [Theory]
    [InlineData(NewOnly, (MigrationPhase)5)]
    [InlineData((MigrationPhase)(-1), OldOnly)]
    public void UndefinedPhase_IsRejected(MigrationPhase from, MigrationPhase to) =>
        PhaseTransitionRules.Check(from, to, Advance).Should().Be(UndefinedPhase);

    [Fact]
    public void UnknownKind_Throws()
    {
        var act = () => PhaseTransitionRules.Check(OldOnly, Backfill, (PhaseTransitionKind)7);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
