using DualWrite.Conformance;
using DualWrite.PostgreSql.Stores;

namespace DualWrite.PostgreSql.Tests.Integration;

/// <summary>The shared store conformance suite against PostgreSQL, long keys in one bigint column; each test gets a fresh table in its own scratch schema.</summary>
public sealed class PostgreSqlVersionedStoreConformanceTests : VersionedStoreConformanceTests<PostgreSqlVersionedStore<long, string>>, IAsyncLifetime
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

    protected override Task<PostgreSqlVersionedStore<long, string>> CreateStoreAsync() => _scratch!.CreateStoreAsync($"items{++_tables}");
}
