using DualWrite.Core.Phases;
using DualWrite.Core.Routing;

namespace DualWrite.Core.Tests.Routing;

/// <summary>The one set of rules the durable repair logs fit an entry's text by.</summary>
public sealed class RepairLogTextTests
{
    [Fact]
    public void ReasonFitting_KeepsShortReasonsAndReplacesLoneSurrogates()
    {
        RepairLogText.FitReason(null, replaceNul: false).Should().BeEmpty();
        RepairLogText.FitReason("plain", replaceNul: false).Should().Be("plain");
        RepairLogText.FitReason(new string('x', 1023) + "😀", replaceNul: false).Should().HaveLength(1023);
        RepairLogText.FitReason(new string('x', 2000), replaceNul: false).Should().HaveLength(1024);
        RepairLogText.FitReason("bad \uD800 surrogate", replaceNul: false).Should().Be("bad \uFFFD surrogate");
    }

    [Fact]
    public void Nul_IsReplacedInReasons_OnlyWhereTheServerCannotStoreIt()
    {
        RepairLogText.FitReason("bad\0byte", replaceNul: true).Should().Be("bad\uFFFDbyte");
        RepairLogText.FitReason("bad\0byte", replaceNul: false).Should().Be("bad\0byte");
    }

    [Fact]
    public void EntitiesAndKeys_ThatDoNotFit_AreRefusedNamingWhat()
    {
        var entry = new RepairEntry<long>(Guid.NewGuid(), new string('e', RepairLogText.MaxEntityLength + 1), 1, StoreRole.New, 1, "", DateTimeOffset.UnixEpoch);

        var longEntity = () => RepairLogText.CheckEntry(entry, nulAllowed: true);
        var nulEntity = () => RepairLogText.CheckEntry(entry with { Entity = "ord\0ers" }, nulAllowed: false);
        var badTarget = () => RepairLogText.CheckEntry(entry with { Entity = "orders", Target = (StoreRole)7 }, nulAllowed: true);
        var longKey = () => RepairLogText.KeyText(1L, _ => new string('k', RepairLogText.MaxKeyLength + 1), nulAllowed: true);
        var nullKeyText = () => RepairLogText.KeyText(1L, _ => null!, nulAllowed: true);

        longEntity.Should().Throw<ArgumentException>().WithMessage("*entity*at most 128*");
        nulEntity.Should().Throw<ArgumentException>().WithMessage("*NUL*");
        badTarget.Should().Throw<ArgumentException>().WithMessage("*not a store role*");
        longKey.Should().Throw<ArgumentException>().WithMessage("*key '1' as text*at most 512*");
        nullKeyText.Should().Throw<ArgumentException>().WithMessage("*codec returned null*");
        RepairLogText.CheckEntry(entry with { Entity = "ord\0ers" }, nulAllowed: true);
        RepairLogText.KeyText(7L, k => $"k{k}", nulAllowed: false).Should().Be("k7");
    }
}
