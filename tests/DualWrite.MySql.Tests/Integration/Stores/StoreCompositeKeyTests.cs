using DualWrite.Core.Stores;
using DualWrite.MySql.Stores;

namespace DualWrite.MySql.Tests.Integration.Stores;

/// <summary>A two-column key (text then number) and a value of several column types, including NULLs, through reads, writes and scans.</summary>
public sealed class StoreCompositeKeyTests : StoreTestBase
{
    private MySqlVersionedStore<OrderKey, Order> _store = null!;

    public StoreCompositeKeyTests()
        : base("composite")
    {
    }

    protected override async Task SetUpAsync()
    {
        await Scratch.ExecuteAsync("""
            CREATE TABLE `order lines` (
              `tenant` VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
              `line` INT NOT NULL,
              `amount` DECIMAL(10,2) NOT NULL,
              `placed` DATETIME(6) NULL,
              `blob` VARBINARY(16) NULL,
              PRIMARY KEY (`tenant`, `line`))
            """);
        var mapping = new MySqlTableMapping<OrderKey, Order>(
            "order lines",
            new MySqlColumnMap<OrderKey>(["tenant", "line"], k => [k.Tenant, k.Line], (r, i) => new OrderKey(r.GetString(i), r.GetInt32(i + 1))),
            new MySqlColumnMap<Order>(
                ["amount", "placed", "blob"],
                v => [v.Amount, v.Placed, v.Blob],
                (r, i) => new Order(r.GetDecimal(i), r.IsDBNull(i + 1) ? null : r.GetDateTime(i + 1), r.IsDBNull(i + 2) ? null : (byte[])r.GetValue(i + 2))),
            OrderKey.Comparer);
        _store = new MySqlVersionedStore<OrderKey, Order>(
            Scratch.DataSource, mapping, new MySqlRepairLog<OrderKey>(Scratch.DataSource, k => $"{k.Tenant}/{k.Line}", OrderKey.Parse));
        await _store.EnsureSchemaAsync(Ct);
    }


    [Fact]
    public async Task WritersOfDistinctCompositeKeys_NeverWaitOnEachOther()
    {
        // Each writer owns its tenant. A composite-key write that scanned the table (the row-constructor IN form)
        // lock-waited on the others' rows and deadlocked with them over and over.
        await _store.BulkLoadAsync(Rows(Enumerable.Range(0, 8).SelectMany(t => Enumerable.Range(1, 50).Select(l => new OrderKey($"t{t}", l)))), Ct);
        var writers = Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var round = 0; round < 40; round++)
            {
                var key = new OrderKey($"t{t}", 1 + (round % 50));
                await _store.DeleteAsync(key, 1_000 + (2 * round), Ct);
                await _store.UpsertAsync(new(key, 1_001 + (2 * round), new Order(round, null, null)), Ct);
            }
        }));

        await Task.WhenAll(writers);

        await using var connection = await Scratch.DataSource.OpenConnectionAsync(Ct);
        await using var command = new MySqlCommand("SHOW ENGINE INNODB STATUS", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        (await reader.ReadAsync(Ct)).Should().BeTrue();
        var status = reader.GetString(2);
        status.Should().NotContain($"`{Scratch.Database}`.`order lines` WHERE", "no deadlock involving these writers is reported");
    }

    private static async IAsyncEnumerable<VersionedRecord<OrderKey, Order>> Rows(IEnumerable<OrderKey> keys)
    {
        foreach (var key in keys)
        {
            yield return new(key, 1, new Order(1m, null, null));
        }

        await Task.CompletedTask;
    }

    [Fact]
    public async Task Values_RoundTrip_WithNulls()
    {
        var placed = new DateTime(2026, 3, 4, 5, 6, 7).AddTicks(1234560);
        var full = new Order(12.50m, placed, [1, 2, 3]);

        (await _store.UpsertAsync(new(new("acme", 1), 3, full), Ct)).Should().Be(WriteResult.Applied);
        await _store.UpsertAsync(new(new("acme", 2), 3, new Order(1m, null, null)), Ct);

        var read = await _store.GetAsync(new("acme", 1), Ct);
        read!.Value!.Amount.Should().Be(12.50m);
        read.Value.Placed.Should().Be(placed);
        read.Value.Blob.Should().Equal(1, 2, 3);
        (await _store.GetAsync(new("acme", 2), Ct))!.Value.Should().BeEquivalentTo(new Order(1m, null, null));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(100)]
    public async Task Scan_OrdersByBothColumns_AcrossBatches_MergingTombstones(int batchSize)
    {
        var keys = new List<OrderKey>();
        foreach (var tenant in new[] { "b", "a", "B", "ab" })
        {
            for (var line = 3; line >= 1; line--)
            {
                keys.Add(new(tenant, line));
                if (line == 2)
                {
                    await _store.DeleteAsync(new(tenant, line), 4, Ct);
                }
                else
                {
                    await _store.UpsertAsync(new(new(tenant, line), 1, new Order(line, null, null)), Ct);
                }
            }
        }

        var all = await ScanAsync(KeyRange<OrderKey>.All, batchSize);
        var inner = await ScanAsync(KeyRange<OrderKey>.Between(new("a", 2), new("b", 2)), batchSize);

        all.Select(r => r.Key).Should().Equal(keys.Order(OrderKey.Comparer));
        all.Where(r => r.Key.Line == 2).Should().OnlyContain(r => r.IsTombstone && r.Version == 4);
        inner.Select(r => r.Key.ToString()).Should().Equal("a/2", "a/3", "ab/1", "ab/2", "ab/3", "b/1");
    }

    private async Task<List<VersionedRecord<OrderKey, Order>>> ScanAsync(KeyRange<OrderKey> range, int batchSize)
    {
        var records = new List<VersionedRecord<OrderKey, Order>>();
        await foreach (var record in _store.ScanAsync(range, batchSize, Ct))
        {
            records.Add(record);
        }

        return records;
    }

    public sealed record OrderKey(string Tenant, int Line)
    {
        /// <summary>utf8mb4_bin orders by code point, which for these keys is ordinal order.</summary>
        public static IComparer<OrderKey> Comparer { get; } = Comparer<OrderKey>.Create((x, y) =>
            string.CompareOrdinal(x.Tenant, y.Tenant) is var byTenant and not 0 ? byTenant : x.Line.CompareTo(y.Line));

        public static OrderKey Parse(string text) => new(text[..text.IndexOf('/', StringComparison.Ordinal)], int.Parse(text[(text.IndexOf('/', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture));

        public override string ToString() => $"{Tenant}/{Line}";
    }

    public sealed record Order(decimal Amount, DateTime? Placed, byte[]? Blob);
}
