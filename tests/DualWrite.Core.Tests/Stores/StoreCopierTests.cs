using DualWrite.Core.Stores;
using DualWrite.Core.Testing;

namespace DualWrite.Core.Tests.Stores;

public sealed class StoreCopierTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Copy_BringsTheTargetUpToDate_KeepingWhatItHoldsNewer()
    {
        var source = new InMemoryVersionedStore<long, string>();
        var target = new InMemoryVersionedStore<long, string>();
        await source.UpsertAsync(new(1, 5, "s1"), Ct);
        await source.UpsertAsync(new(2, 5, "s2"), Ct);
        await source.DeleteAsync(3, 7, Ct);
        await target.UpsertAsync(new(2, 9, "t2-newer"), Ct);
        await target.UpsertAsync(new(3, 6, "t3-deleted-later"), Ct);

        var result = await StoreCopier.CopyNewerAsync(source, target, KeyRange<long>.All, 2, Ct);

        result.Should().Be(new StoreCopyResult(3, 2));
        (await target.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 5, "s1"));
        (await target.GetAsync(2, Ct)).Should().Be(new VersionedRecord<long, string>(2, 9, "t2-newer"));
        (await target.GetAsync(3, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(3, 7));

        (await StoreCopier.CopyNewerAsync(source, target, KeyRange<long>.All, 2, Ct)).Applied.Should().Be(0, "a second run finds nothing to do");
    }
}
