using DualWrite.Conformance;
using DualWrite.PostgreSql.Stores;

namespace DualWrite.PostgreSql.Tests.Integration;

/// <summary>
/// The conformance suite over a two-column key (<c>hi</c>, <c>lo</c>): guards, tombstones, row-value scan bounds and
/// the bulk merge all run on a composite key.
/// </summary>
public sealed class PostgreSqlCompositeKeyConformanceTests : VersionedStoreConformanceTests<PostgreSqlVersionedStore<long, string>>, IAsyncLifetime
{
    private StoreScratch? _scratch;
    private int _tables;

    public async Task InitializeAsync() => _scratch = await StoreScratch.CreateAsync("composite");

    public async Task DisposeAsync()
    {
        if (_scratch is not null)
        {
            await _scratch.DisposeAsync();
        }
    }

    protected override Task<PostgreSqlVersionedStore<long, string>> CreateStoreAsync() => _scratch!.CreateCompositeStoreAsync($"pairs{++_tables}");
}
