using DualWrite.PostgreSql.Stores;

namespace DualWrite.PostgreSql.Tests.Integration;

/// <summary>
/// Base for store test classes: each test gets its own scratch schema (and, when asked, the conformance-shaped table
/// <c>items</c> with a store over it), dropped when the test ends.
/// </summary>
public abstract class StoreTestBase : IAsyncLifetime
{
    private readonly string _prefix;
    private readonly bool _withItemsStore;
    private StoreScratch? _scratch;
    private PostgreSqlVersionedStore<long, string>? _store;

    protected StoreTestBase(string prefix, bool withItemsStore = false)
    {
        _prefix = prefix;
        _withItemsStore = withItemsStore;
    }

    /// <summary>Bounds every call, so a hung server fails the test instead of stalling the run.</summary>
    protected CancellationToken Ct { get; } = new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    protected StoreScratch Scratch => _scratch ?? throw new InvalidOperationException("The scratch schema is not set up yet.");

    /// <summary>The store over <c>items</c>, for classes that asked for it.</summary>
    protected PostgreSqlVersionedStore<long, string> Store => _store ?? throw new InvalidOperationException("This test class has no items store.");

    public async Task InitializeAsync()
    {
        _scratch = await StoreScratch.CreateAsync(_prefix);
        if (_withItemsStore)
        {
            _store = await _scratch.CreateStoreAsync("items");
        }
    }

    public virtual async Task DisposeAsync()
    {
        if (_scratch is not null)
        {
            await _scratch.DisposeAsync();
        }
    }

    protected static DualWrite.Core.Stores.VersionedRecord<long, string> Live(long key, long version, string? value = null) =>
        new(key, version, value ?? $"k{key}v{version}");

    protected static DualWrite.Core.Stores.VersionedRecord<long, string> Tombstone(long key, long version) =>
        DualWrite.Core.Stores.VersionedRecord<long, string>.Tombstone(key, version);

    protected static async IAsyncEnumerable<T> Async<T>(IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }
}
