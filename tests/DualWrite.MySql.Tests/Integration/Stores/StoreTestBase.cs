using DualWrite.MySql.Stores;

namespace DualWrite.MySql.Tests.Integration.Stores;

/// <summary>
/// Base for store test classes: each test gets its own scratch database (and, when asked, the conformance-shaped
/// table <c>items</c> with a store over it), dropped when the test ends.
/// </summary>
public abstract class StoreTestBase : IAsyncLifetime
{
    private readonly string _prefix;
    private readonly bool _withItemsStore;
    private StoreScratch? _scratch;
    private MySqlVersionedStore<long, string>? _store;

    protected StoreTestBase(string prefix, bool withItemsStore = false)
    {
        _prefix = prefix;
        _withItemsStore = withItemsStore;
    }

    protected static CancellationToken Ct => CancellationToken.None;

    protected StoreScratch Scratch => _scratch ?? throw new InvalidOperationException("The scratch database is not set up yet.");

    /// <summary>The store over <c>items</c>, for classes that asked for it.</summary>
    protected MySqlVersionedStore<long, string> Store => _store ?? throw new InvalidOperationException("This test class has no items store.");

    public async Task InitializeAsync()
    {
        _scratch = await StoreScratch.CreateAsync(_prefix);
        if (_withItemsStore)
        {
            _store = await _scratch.CreateStoreAsync("items");
        }

        await SetUpAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_scratch is not null)
        {
            await _scratch.DisposeAsync();
        }
    }

    /// <summary>Per-class set-up, after the scratch database exists.</summary>
    protected virtual Task SetUpAsync() => Task.CompletedTask;
}
