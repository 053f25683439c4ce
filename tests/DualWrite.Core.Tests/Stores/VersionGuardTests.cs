using DualWrite.Core.Stores;

namespace DualWrite.Core.Tests.Stores;

public sealed class VersionGuardTests
{
    [Theory]
    [InlineData(null, 0L, WriteResult.Applied)]
    [InlineData(4L, 5L, WriteResult.Applied)]
    [InlineData(5L, 5L, WriteResult.IgnoredSameVersion)]
    [InlineData(6L, 5L, WriteResult.IgnoredOlderVersion)]
    public void Decide_OnlyStrictlyNewerVersionApplies(long? stored, long incoming, WriteResult expected) =>
        VersionGuard.Decide(stored, incoming).Should().Be(expected);

    [Fact]
    public void Record_NegativeVersion_IsRejected()
    {
        var act = () => new VersionedRecord<long, string>(1, -1, "x");

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Tombstone_HasNoValue()
    {
        var tombstone = VersionedRecord<long, string>.Tombstone(1, 3);

        tombstone.Should().BeEquivalentTo(new { Key = 1L, Version = 3L, Value = (string?)null, IsTombstone = true });
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(9, true)]
    [InlineData(10, false)]
    public void KeyRange_IsHalfOpen(long key, bool contained) =>
        KeyRange<long>.Between(1, 10).Contains(key, Comparer<long>.Default).Should().Be(contained);

    [Fact]
    public void KeyRange_OpenBounds_ContainEverythingOnThatSide()
    {
        KeyRange<long>.All.Contains(long.MinValue, Comparer<long>.Default).Should().BeTrue();
        KeyRange<long>.AtOrAfter(5).Contains(long.MaxValue, Comparer<long>.Default).Should().BeTrue();
        KeyRange<long>.Before(5).Contains(long.MinValue, Comparer<long>.Default).Should().BeTrue();
        KeyRange<long>.Before(5).Contains(5, Comparer<long>.Default).Should().BeFalse();
    }
}
