using DualWrite.Core.Stores;

namespace DualWrite.Conformance;

public abstract partial class VersionedStoreConformanceTests<TStore>
{
    [Fact]
    public async Task Delete_LeavesTombstone_OlderUpsertCannotResurrect()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Live(1, 5), Ct);

        (await store.DeleteAsync(1, 7, Ct)).Should().Be(WriteResult.Applied);
        (await store.UpsertAsync(Live(1, 6), Ct)).Should().Be(WriteResult.IgnoredOlderVersion);

        (await store.GetAsync(1, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(1, 7));
    }

    [Fact]
    public async Task Delete_ThenSameVersionUpsert_IsIgnored()
    {
        var store = await CreateStoreAsync();
        await store.DeleteAsync(1, 7, Ct);

        (await store.UpsertAsync(Live(1, 7), Ct)).Should().Be(WriteResult.IgnoredSameVersion);

        (await store.GetAsync(1, Ct))!.IsTombstone.Should().BeTrue();
    }

    [Fact]
    public async Task Delete_ThenNewerUpsert_Resurrects()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Live(1, 5), Ct);
        await store.DeleteAsync(1, 7, Ct);

        (await store.UpsertAsync(Live(1, 8, "back"), Ct)).Should().Be(WriteResult.Applied);

        (await store.GetAsync(1, Ct)).Should().Be(Live(1, 8, "back"));
    }

    [Fact]
    public async Task Delete_OlderThanStored_IsIgnored()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Live(1, 5), Ct);

        (await store.DeleteAsync(1, 4, Ct)).Should().Be(WriteResult.IgnoredOlderVersion);

        (await store.GetAsync(1, Ct)).Should().Be(Live(1, 5));
    }

    [Fact]
    public async Task Delete_SameVersionTwice_IsIdempotent()
    {
        var store = await CreateStoreAsync();
        await store.DeleteAsync(1, 3, Ct);

        (await store.DeleteAsync(1, 3, Ct)).Should().Be(WriteResult.IgnoredSameVersion);
    }

    [Fact]
    public async Task Delete_UnknownKey_LeavesTombstone()
    {
        // A delete can arrive before the insert it follows (CDC overtaking the snapshot); the tombstone must still block it.
        var store = await CreateStoreAsync();

        (await store.DeleteAsync(1, 3, Ct)).Should().Be(WriteResult.Applied);
        (await store.UpsertAsync(Live(1, 2), Ct)).Should().Be(WriteResult.IgnoredOlderVersion);

        (await store.GetAsync(1, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(1, 3));
    }

    [Fact]
    public async Task Upsert_TombstoneRecord_ActsAsDelete()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Live(1, 5), Ct);

        (await store.UpsertAsync(VersionedRecord<long, string>.Tombstone(1, 6), Ct)).Should().Be(WriteResult.Applied);

        (await store.GetAsync(1, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(1, 6));
    }
}
