using DualWrite.Core.Stores;
using DualWrite.MySql.Stores;

namespace DualWrite.MySql.Tests.Integration.Stores;

/// <summary>Tables that do not fit, and input the mapping rejects: typed errors that name the table, and nothing half-written.</summary>
public sealed class StoreSchemaTests : StoreTestBase
{

    public StoreSchemaTests()
        : base("storeschema")
    {
    }


    [Fact]
    public async Task EnsureSchema_MissingTable_ThrowsTableMissing_NamingIt()
    {
        var store = StoreOver("absent");

        var act = async () => await store.EnsureSchemaAsync(Ct);

        var error = (await act.Should().ThrowAsync<MySqlStoreException>()).Which;
        error.Kind.Should().Be(MySqlStoreErrorKind.TableMissing);
        error.Table.Should().Be("absent");
        error.Message.Should().Contain("absent");
    }

    [Fact]
    public async Task Writes_MissingTable_ThrowTableMissing_NamingIt()
    {
        var store = StoreOver("absent", Scratch.Database);

        var upsert = async () => await store.UpsertAsync(new(1, 1, "a"), Ct);
        var get = async () => await store.GetAsync(1, Ct);

        (await upsert.Should().ThrowAsync<MySqlStoreException>()).Which.Table.Should().Be($"{Scratch.Database}.absent");
        (await get.Should().ThrowAsync<MySqlStoreException>()).Which.Kind.Should().Be(MySqlStoreErrorKind.TableMissing);
    }

    [Fact]
    public async Task Writes_BeforeEnsureSchema_ThrowATypedErrorThatSaysHowToFixIt()
    {
        await Scratch.ExecuteAsync("CREATE TABLE plain (id BIGINT PRIMARY KEY, payload TEXT)");
        var store = StoreOver("plain");

        var upsert = async () => await store.UpsertAsync(new(1, 1, "a"), Ct);

        (await upsert.Should().ThrowAsync<MySqlStoreException>()).Which.Message.Should().Contain("EnsureSchemaAsync");
        (await Scratch.CountAsync("SELECT COUNT(*) FROM plain")).Should().Be(0);
    }

    [Theory]
    [InlineData("CREATE TABLE t (id BIGINT PRIMARY KEY)", "payload")]
    [InlineData("CREATE TABLE t (id BIGINT NOT NULL, payload TEXT, KEY (id))", "unique index")]
    [InlineData("CREATE TABLE t (id BIGINT NOT NULL, other INT NOT NULL, payload TEXT, PRIMARY KEY (other, id))", "unique index")]
    [InlineData("CREATE TABLE t (id BIGINT PRIMARY KEY, payload TEXT, _dw_version INT)", "BIGINT")]
    [InlineData("CREATE TABLE t (id BIGINT PRIMARY KEY, payload TEXT) ENGINE=MyISAM", "InnoDB")]
    public async Task EnsureSchema_TableThatDoesNotFit_ThrowsSchemaMismatch_AndChangesNothing(string ddl, string complaint)
    {
        await Scratch.ExecuteAsync(ddl);
        var store = StoreOver("t");

        var act = async () => await store.EnsureSchemaAsync(Ct);

        var error = (await act.Should().ThrowAsync<MySqlStoreException>()).Which;
        error.Kind.Should().Be(MySqlStoreErrorKind.SchemaMismatch);
        error.Message.Should().Contain("'t'").And.Contain(complaint);
        (await Scratch.CountAsync("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't__dw_tombstones'")).Should().Be(0);
    }

    [Fact]
    public async Task EnsureSchema_AddsTheVersionColumn_ToAnExistingTable_AtVersionZero()
    {
        await Scratch.ExecuteAsync("CREATE TABLE legacy (id BIGINT PRIMARY KEY, payload TEXT)");
        await Scratch.ExecuteAsync("INSERT INTO legacy VALUES (1, 'old')");
        var store = StoreOver("legacy");

        await store.EnsureSchemaAsync(Ct);

        (await store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 0, "old"));
        (await store.UpsertAsync(new(1, 1, "new"), Ct)).Should().Be(WriteResult.Applied);
    }

    [Fact]
    public async Task EnsureSchema_InsideAStoreTransaction_IsRefused()
    {
        var store = StoreOver("t");
        await using var transaction = await MySqlStoreTransaction.BeginAsync(Scratch.DataSource, Ct);

        var act = async () => await store.EnsureSchemaAsync(Ct);

        await act.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task ValueOfTheWrongShape_IsRejectedBeforeAnythingIsWritten()
    {
        var store = await Scratch.CreateStoreAsync("items");
        var mapping = new MySqlTableMapping<long, string>(
            "items",
            store.Mapping.Key,
            new MySqlColumnMap<string>(["payload"], v => [v, "extra"], (r, i) => r.GetString(i)),
            Comparer<long>.Default);
        var misfit = new MySqlVersionedStore<long, string>(Scratch.DataSource, mapping, (MySqlRepairLog<long>)store.RepairLog);

        var single = async () => await misfit.UpsertAsync(new(1, 1, "a"), Ct);
        var bulk = async () => await misfit.BulkLoadAsync(Records(new(2, 1, "b"), new(3, 1, "c")), Ct);

        (await single.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("2 value(s) for 1 column(s)");
        await bulk.Should().ThrowAsync<ArgumentException>();
        (await Scratch.CountAsync("SELECT COUNT(*) FROM items")).Should().Be(0);
    }

    [Fact]
    public async Task NullKeyColumn_IsRejected()
    {
        await Scratch.ExecuteAsync("CREATE TABLE pairs (a VARCHAR(10) NOT NULL, b INT NOT NULL, payload TEXT, PRIMARY KEY (a, b))");
        var mapping = new MySqlTableMapping<(string?, int), string>(
            "pairs",
            new MySqlColumnMap<(string?, int)>(["a", "b"], k => [k.Item1, k.Item2], (r, i) => (r.GetString(i), r.GetInt32(i + 1))),
            new MySqlColumnMap<string>(["payload"], v => [v], (r, i) => r.GetString(i)),
            Comparer<(string?, int)>.Default);
        var store = new MySqlVersionedStore<(string?, int), string>(
            Scratch.DataSource, mapping, new MySqlRepairLog<(string?, int)>(Scratch.DataSource, k => $"{k.Item1}/{k.Item2}", s => (s, 0)));
        await store.EnsureSchemaAsync(Ct);

        var act = async () => await store.UpsertAsync(new((null, 1), 1, "x"), Ct);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("'a'").And.Contain("NULL");
    }

    [Fact]
    public async Task DuplicateInAnotherUniqueIndex_PropagatesTheServerError_AndLeavesNothingHalfWritten()
    {
        var store = await Scratch.CreateStoreAsync("items");
        await Scratch.ExecuteAsync("CREATE UNIQUE INDEX payload_unique ON items (payload(20))");
        await store.UpsertAsync(new(1, 1, "taken"), Ct);
        await store.DeleteAsync(2, 1, Ct);

        var act = async () => await store.UpsertAsync(new(2, 2, "taken"), Ct);

        (await act.Should().ThrowAsync<MySqlException>()).Which.Number.Should().Be(1062);
        (await store.GetAsync(2, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(2, 1), "the failed write changed nothing");
        (await store.UpsertAsync(new(2, 2, "free"), Ct)).Should().Be(WriteResult.Applied);
    }

    private MySqlVersionedStore<long, string> StoreOver(string table, string? database = null) =>
        new(Scratch.DataSource, StoreScratch.Mapping(table, database), Scratch.RepairLog());

    private static async IAsyncEnumerable<VersionedRecord<long, string>> Records(params VersionedRecord<long, string>[] records)
    {
        foreach (var record in records)
        {
            await Task.Yield();
            yield return record;
        }
    }
}
