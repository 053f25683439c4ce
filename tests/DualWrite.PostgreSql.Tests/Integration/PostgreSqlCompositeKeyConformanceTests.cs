using DualWrite.PostgreSql.Stores;

namespace DualWrite.PostgreSql.Tests.Integration;

/// <summary>
/// The conformance suite over a two-column key (<c>hi</c>, <c>lo</c>): guards, tombstones, row-value scan bounds and
/// the bulk merge all run on a composite key.
/// </summary>
public sealed class PostgreSqlCompositeKeyConformanceTests() : ScratchConformanceTests("composite")
{
    protected override Task<PostgreSqlVersionedStore<long, string>> CreateStoreAsync(StoreScratch scratch, string table) => scratch.CreateCompositeStoreAsync(table);
}
