using DualWrite.Conformance;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;

namespace DualWrite.Core.Tests.Stores;

public sealed class InMemoryVersionedStoreConformanceTests : VersionedStoreConformanceTests<InMemoryVersionedStore<long, string>>
{
    protected override Task<InMemoryVersionedStore<long, string>> CreateStoreAsync() =>
        Task.FromResult(new InMemoryVersionedStore<long, string>());

    /// <summary>An in-memory store has no connections of its own: its other instance is itself.</summary>
    protected override Task<InMemoryVersionedStore<long, string>> OpenAgainAsync(InMemoryVersionedStore<long, string> store) => Task.FromResult(store);
}
