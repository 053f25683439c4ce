using DualWrite.Conformance;
using DualWrite.PostgreSql.Stores;

namespace DualWrite.PostgreSql.Tests.Integration;

/// <summary>The conformance suite over stores in a scratch schema of their own, one fresh table per store.</summary>
public abstract class ScratchConformanceTests : VersionedStoreConformanceTests<PostgreSqlVersionedStore<long, string>>, IAsyncLifetime
{
    private readonly string _prefix;
    private StoreScratch? _scratch;
    private int _tables;

    protected ScratchConformanceTests(string prefix) => _prefix = prefix;

    public async Task InitializeAsync() => _scratch = await StoreScratch.CreateAsync(_prefix);

    public async Task DisposeAsync()
    {
        if (_scratch is not null)
        {
            await _scratch.DisposeAsync();
        }
    }

    protected override Task<PostgreSqlVersionedStore<long, string>> CreateStoreAsync() => CreateStoreAsync(_scratch!, $"items{++_tables}");

    protected override Task<PostgreSqlVersionedStore<long, string>> OpenAgainAsync(PostgreSqlVersionedStore<long, string> store) => Task.FromResult(_scratch!.OpenAgain(store));

    /// <summary>Creates the table <paramref name="table"/> in <paramref name="scratch"/> and a store over it.</summary>
    protected abstract Task<PostgreSqlVersionedStore<long, string>> CreateStoreAsync(StoreScratch scratch, string table);
}
