using DualWrite.PostgreSql.Stores;

namespace DualWrite.PostgreSql.Tests.Integration;

/// <summary>The shared store conformance suite against PostgreSQL, long keys in one bigint column.</summary>
public sealed class PostgreSqlVersionedStoreConformanceTests() : ScratchConformanceTests("conformance")
{
    protected override Task<PostgreSqlVersionedStore<long, string>> CreateStoreAsync(StoreScratch scratch, string table) => scratch.CreateStoreAsync(table);
}
