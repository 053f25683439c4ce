using DualWrite.Core.Stores;
using DualWrite.PostgreSql.Stores;
using DualWrite.Testing;

namespace DualWrite.PostgreSql.Tests.Integration;

/// <summary>Set-up of the version column and tombstone table, and the typed errors when a table is not set up.</summary>
public sealed class StoreSchemaTests : StoreTestBase
{
    public StoreSchemaTests()
        : base("schema")
    {
    }

    [Fact]
    public async Task MissingTable_EveryOperationThrowsTableMissing_WithoutCredentials()
    {
        var store = new PostgreSqlVersionedStore<long, string>(Scratch.DataSource, Scratch.Mapping("nowhere"));

        foreach (var act in new Func<Task>[]
        {
            async () => await store.GetAsync(1, Ct),
            async () => await store.UpsertAsync(Live(1, 1), Ct),
            async () => await store.DeleteAsync(1, 1, Ct),
            async () => await store.BulkLoadAsync(Async([Live(1, 1)]), Ct),
            async () => await store.ScanAsync(KeyRange<long>.All, 10, Ct).GetAsyncEnumerator(Ct).MoveNextAsync(),
        })
        {
            var error = (await act.Should().ThrowAsync<PostgreSqlStoreException>()).Which;
            error.Kind.Should().Be(PostgreSqlStoreErrorKind.TableMissing);
            error.Table.Should().Be(Scratch.Schema + ".nowhere");
            error.Message.Should().Contain("nowhere").And.Contain("EnsureSchemaAsync").And.NotContain(PostgreSqlServer.Password);
        }

        var ensure = async () => await store.EnsureSchemaAsync(Ct);
        (await ensure.Should().ThrowAsync<PostgreSqlStoreException>()).Which.Kind.Should().Be(PostgreSqlStoreErrorKind.TableMissing);
    }

    [Fact]
    public async Task TableWithoutSetUp_WriteSaysToRunEnsureSchema()
    {
        await Scratch.ExecuteAsync($"CREATE TABLE \"{Scratch.Schema}\".\"items\" (id bigint PRIMARY KEY, payload text)");
        var store = new PostgreSqlVersionedStore<long, string>(Scratch.DataSource, Scratch.Mapping("items"));

        var act = async () => await store.UpsertAsync(Live(1, 1), Ct);

        var error = (await act.Should().ThrowAsync<PostgreSqlStoreException>()).Which;
        error.Kind.Should().Be(PostgreSqlStoreErrorKind.SchemaMismatch);
        error.Message.Should().Contain("_dw_version").And.Contain("EnsureSchemaAsync");
    }

    [Fact]
    public async Task TombstoneTableDropped_AfterUse_NextWriteThrowsTableMissing()
    {
        var store = await Scratch.CreateStoreAsync("items");
        await store.UpsertAsync(Live(1, 1), Ct);
        await Scratch.ExecuteAsync($"DROP TABLE \"{Scratch.Schema}\".\"items__dw_tombstones\"");

        var act = async () => await store.DeleteAsync(1, 2, Ct);

        var error = (await act.Should().ThrowAsync<PostgreSqlStoreException>()).Which;
        error.Kind.Should().Be(PostgreSqlStoreErrorKind.TableMissing);
        error.InnerException.Should().BeOfType<PostgresException>();

        // Once set up again, the store reads the table's shape anew and works.
        await store.EnsureSchemaAsync(Ct);
        (await store.DeleteAsync(1, 2, Ct)).Should().Be(WriteResult.Applied);
    }

    [Fact]
    public async Task EnsureSchema_ExistingRows_StartAtVersionZero_AndRepeatsHarmlessly()
    {
        await Scratch.ExecuteAsync($"CREATE TABLE \"{Scratch.Schema}\".\"items\" (id bigint PRIMARY KEY, payload text NOT NULL); INSERT INTO \"{Scratch.Schema}\".\"items\" VALUES (1, 'old')");
        var store = new PostgreSqlVersionedStore<long, string>(Scratch.DataSource, Scratch.Mapping("items"));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () => await store.EnsureSchemaAsync(Ct))));
        await store.EnsureSchemaAsync(Ct);

        (await store.GetAsync(1, Ct)).Should().Be(Live(1, 0, "old"));
        (await store.UpsertAsync(Live(1, 0, "same"), Ct)).Should().Be(WriteResult.IgnoredSameVersion);
        (await store.UpsertAsync(Live(1, 1, "new"), Ct)).Should().Be(WriteResult.Applied);
    }

    [Fact]
    public async Task EnsureSchema_NoUniqueIndexOnTheKey_ThrowsSchemaMismatch()
    {
        await Scratch.ExecuteAsync($"CREATE TABLE \"{Scratch.Schema}\".\"items\" (id bigint NOT NULL, payload text)");
        var store = new PostgreSqlVersionedStore<long, string>(Scratch.DataSource, Scratch.Mapping("items"));

        var act = async () => await store.EnsureSchemaAsync(Ct);

        var error = (await act.Should().ThrowAsync<PostgreSqlStoreException>()).Which;
        error.Kind.Should().Be(PostgreSqlStoreErrorKind.SchemaMismatch);
        error.Message.Should().Contain("unique index");
    }

    [Fact]
    public async Task EnsureSchema_VersionColumnOfAnotherType_ThrowsSchemaMismatch()
    {
        await Scratch.ExecuteAsync($"CREATE TABLE \"{Scratch.Schema}\".\"items\" (id bigint PRIMARY KEY, payload text, _dw_version integer)");
        var store = new PostgreSqlVersionedStore<long, string>(Scratch.DataSource, Scratch.Mapping("items"));

        var act = async () => await store.EnsureSchemaAsync(Ct);

        (await act.Should().ThrowAsync<PostgreSqlStoreException>()).Which.Message.Should().Contain("integer").And.Contain("bigint");
    }

    [Fact]
    public async Task TombstoneTable_KeepsTheKeyColumnsCollation()
    {
        await Scratch.ExecuteAsync($"CREATE TABLE \"{Scratch.Schema}\".\"names\" (name text COLLATE \"C\" PRIMARY KEY, payload text)");
        var store = new PostgreSqlVersionedStore<string, string>(
            Scratch.DataSource,
            new(
                "names",
                new(["name"], key => [key], (reader, ordinal) => reader.GetString(ordinal)),
                new(["payload"], value => [value], (reader, ordinal) => reader.GetString(ordinal)),
                StringComparer.Ordinal,
                Scratch.Schema));
        await store.EnsureSchemaAsync(Ct);

        await store.BulkLoadAsync(Async([new VersionedRecord<string, string>("b", 1, "x"), new VersionedRecord<string, string>("B", 1, "x")]), Ct);
        await store.DeleteAsync("a", 1, Ct);

        var keys = new List<string>();
        await foreach (var record in store.ScanAsync(KeyRange<string>.All, 1, Ct))
        {
            keys.Add(record.Key);
        }

        keys.Should().Equal("B", "a", "b");
        (await Scratch.CountAsync(
            $"SELECT count(*) FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation WHERE a.attrelid = '\"{Scratch.Schema}\".names__dw_tombstones'::regclass AND a.attname = 'name' AND c.collname = 'C'"))
            .Should().Be(1);
    }
}
