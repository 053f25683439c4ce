using DualWrite.Core.Stores;
using DualWrite.Core.Testing;

namespace DualWrite.PostgreSql.Tests.Integration;

/// <summary>The bulk path (binary COPY into staging, then one merge per batch) against writing the same records one by one.</summary>
public sealed class StoreBulkTests : StoreTestBase
{
    public StoreBulkTests()
        : base("bulk", withItemsStore: true)
    {
    }

    [Fact]
    public async Task BulkLoad_DuplicateKeysInOneBatch_BehaveAsWrittenOneByOne()
    {
        await Store.UpsertAsync(Live(3, 10), Ct);
        VersionedRecord<long, string>[] records =
        [
            Live(1, 3, "a"), Live(1, 5, "b"), Live(1, 4, "c"), Live(1, 5, "d"),   // 3 and 5 apply; "b" stays
            Live(2, 2), Tombstone(2, 4), Live(2, 3),                              // 2 and the tombstone apply
            Live(3, 9), Tombstone(3, 11), Live(3, 12, "back"),                    // over a stored 10: 11 and 12 apply
        ];

        var applied = await Store.BulkLoadAsync(Async(records), Ct);

        applied.Should().Be(6);
        (await Store.GetAsync(1, Ct)).Should().Be(Live(1, 5, "b"));
        (await Store.GetAsync(2, Ct)).Should().Be(Tombstone(2, 4));
        (await Store.GetAsync(3, Ct)).Should().Be(Live(3, 12, "back"));
        (await Scratch.CountAsync($"SELECT count(*) FROM \"{Scratch.Schema}\".\"items__dw_tombstones\"")).Should().Be(1, "only key 2 ends deleted");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public async Task BulkLoad_RandomRecords_MatchesTheInMemoryStore(int batchSize)
    {
        var random = new Random(batchSize);
        var seed = Enumerable.Range(0, 30).Select(_ => Record(random)).ToArray();
        var records = Enumerable.Range(0, 400).Select(_ => Record(random)).ToArray();
        var store = await Scratch.CreateStoreAsync("random", batchSize);
        var reference = new InMemoryVersionedStore<long, string>();
        foreach (var record in seed)
        {
            (await store.UpsertAsync(record, Ct)).Should().Be(await reference.UpsertAsync(record, Ct), "single writes agree on {0}", record);
        }

        var applied = await store.BulkLoadAsync(Async(records), Ct);

        applied.Should().Be(await reference.BulkLoadAsync(Async(records), Ct));
        (await ScanAsync(store)).Should().Equal(await ScanAsync(reference));
    }

    [Fact]
    public async Task BulkLoad_FailingRecord_LeavesItsWholeBatchUnwritten()
    {
        await Scratch.ExecuteAsync($"ALTER TABLE \"{Scratch.Schema}\".\"items\" ADD CONSTRAINT no_bad CHECK (payload <> 'bad')");
        await Store.DeleteAsync(1, 1, Ct);

        var act = async () => await Store.BulkLoadAsync(Async([Live(1, 2), Live(2, 2), Live(3, 2, "bad")]), Ct);

        (await act.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.CheckViolation);
        (await Store.GetAsync(1, Ct)).Should().Be(Tombstone(1, 1));
        (await Store.GetAsync(2, Ct)).Should().BeNull();
    }

    [Fact]
    public async Task BulkLoad_NullValueColumn_IsStoredAsNull()
    {
        var store = new DualWrite.PostgreSql.Stores.PostgreSqlVersionedStore<long, string?>(
            Scratch.DataSource,
            new(
                "items",
                new(["id"], key => [key], (reader, ordinal) => reader.GetInt64(ordinal)),
                new(["payload"], value => [value], (reader, ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal)),
                Comparer<long>.Default,
                Scratch.Schema));

        (await store.BulkLoadAsync(Async([new VersionedRecord<long, string?>(1, 1, null), new VersionedRecord<long, string?>(2, 1, "x")]), Ct)).Should().Be(2);

        (await store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string?>(1, 1, null));
        (await Scratch.CountAsync($"SELECT count(*) FROM \"{Scratch.Schema}\".\"items\" WHERE payload IS NULL")).Should().Be(1);
    }

    private static VersionedRecord<long, string> Record(Random random)
    {
        var key = random.Next(1, 25);
        var version = random.Next(0, 12);
        return random.Next(3) == 0 ? Tombstone(key, version) : Live(key, version, "r" + random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<List<VersionedRecord<long, string>>> ScanAsync(IVersionedStore<long, string> store)
    {
        var records = new List<VersionedRecord<long, string>>();
        await foreach (var record in store.ScanAsync(KeyRange<long>.All, 5, Ct))
        {
            records.Add(record);
        }

        return records;
    }
}
