using DualWrite.Core.Stores;

namespace DualWrite.Conformance;

/// <summary>
/// The behaviour every store adapter must show against its real server. An adapter's test project
/// derives from this class and supplies a fresh, empty store per test.
/// Keys are <see cref="long"/> so ordering does not depend on a server's string collation.
/// </summary>
public abstract partial class VersionedStoreConformanceTests<TStore>
    where TStore : IVersionedStore<long, string>
{
    /// <summary>A cancellation token that bounds every call, so a hung server fails the test instead of stalling the run.</summary>
    protected CancellationToken Ct { get; } = new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    /// <summary>Creates an empty store; each call must return a store that shares no rows with earlier ones.</summary>
    protected abstract Task<TStore> CreateStoreAsync();

    protected static VersionedRecord<long, string> Live(long key, long version, string? value = null) =>
        new(key, version, value ?? $"k{key}v{version}");

    [Fact]
    public async Task Get_UnknownKey_ReturnsNull()
    {
        var store = await CreateStoreAsync();

        (await store.GetAsync(1, Ct)).Should().BeNull();
    }

    [Fact]
    public async Task Upsert_NewKey_IsAppliedAndReadBack()
    {
        var store = await CreateStoreAsync();

        (await store.UpsertAsync(Live(1, 5, "a"), Ct)).Should().Be(WriteResult.Applied);

        (await store.GetAsync(1, Ct)).Should().Be(Live(1, 5, "a"));
    }

    [Fact]
    public async Task Upsert_NewerVersion_Replaces()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Live(1, 5, "a"), Ct);

        (await store.UpsertAsync(Live(1, 6, "b"), Ct)).Should().Be(WriteResult.Applied);

        (await store.GetAsync(1, Ct)).Should().Be(Live(1, 6, "b"));
    }

    [Fact]
    public async Task Upsert_OlderVersion_IsIgnored()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Live(1, 5, "new"), Ct);

        (await store.UpsertAsync(Live(1, 4, "old"), Ct)).Should().Be(WriteResult.IgnoredOlderVersion);

        (await store.GetAsync(1, Ct)).Should().Be(Live(1, 5, "new"));
    }

    [Fact]
    public async Task Upsert_SameVersionTwice_IsIdempotent()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Live(1, 5, "first"), Ct);

        (await store.UpsertAsync(Live(1, 5, "second"), Ct)).Should().Be(WriteResult.IgnoredSameVersion);

        (await store.GetAsync(1, Ct)).Should().Be(Live(1, 5, "first"));
    }

    [Fact]
    public async Task Upsert_KeysAreIndependent()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Live(1, 9), Ct);

        (await store.UpsertAsync(Live(2, 1), Ct)).Should().Be(WriteResult.Applied);

        (await store.GetAsync(2, Ct)).Should().Be(Live(2, 1));
    }

    [Fact]
    public async Task Upsert_CancelledToken_Throws()
    {
        var store = await CreateStoreAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var act = async () => await store.UpsertAsync(Live(1, 1), cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }
}
