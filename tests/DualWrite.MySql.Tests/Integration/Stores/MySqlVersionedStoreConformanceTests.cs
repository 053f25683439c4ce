using DualWrite.Conformance;
using DualWrite.MySql.Stores;

namespace DualWrite.MySql.Tests.Integration.Stores;

/// <summary>The shared store conformance suite against MariaDB: each test gets a fresh table in its own scratch database.</summary>
public sealed class MySqlVersionedStoreConformanceTests : VersionedStoreConformanceTests<MySqlVersionedStore<long, string>>, IAsyncLifetime
{
    private StoreScratch? _scratch;
    private int _tables;

    public async Task InitializeAsync() => _scratch = await StoreScratch.CreateAsync("conformance");

    public async Task DisposeAsync()
    {
        if (_scratch is not null)
        {
            await _scratch.DisposeAsync();
        }
    }

    protected override Task<MySqlVersionedStore<long, string>> CreateStoreAsync() => _scratch!.CreateStoreAsync($"items{++_tables}");

    protected override Task<MySqlVersionedStore<long, string>> OpenAgainAsync(MySqlVersionedStore<long, string> store) => Task.FromResult(_scratch!.OpenAgain(store));
}
