using DualWrite.Core.Stores;
using DualWrite.PostgreSql.Stores;

namespace DualWrite.PostgreSql.Tests.Integration;

/// <summary>Names with quotes, spaces and capitals reach the server exactly as given, in every statement the store makes.</summary>
public sealed class StoreQuotingTests : StoreTestBase
{
    private const string Table = "Odd\"Orders";

    public StoreQuotingTests()
        : base("quoting")
    {
    }

    [Fact]
    public async Task OddNames_WorkInEveryOperation()
    {
        var mapping = new PostgreSqlTableMapping<long, string>(
            Table,
            new PostgreSqlColumnMap<long>(["Order\"Id"], key => [key], (reader, ordinal) => reader.GetInt64(ordinal)),
            new PostgreSqlColumnMap<string>(["Pay Load"], value => [value], (reader, ordinal) => reader.GetString(ordinal)),
            Comparer<long>.Default,
            Scratch.Schema,
            versionColumn: "Row\"Version");
        var store = new PostgreSqlVersionedStore<long, string>(Scratch.DataSource, mapping);
        await store.CreateTableAsync(new Dictionary<string, string> { ["Order\"Id"] = "bigint", ["Pay Load"] = "text" }, Ct);
        await store.EnsureSchemaAsync(Ct);

        (await store.UpsertAsync(Live(1, 1, "it's \"quoted\""), Ct)).Should().Be(WriteResult.Applied);
        (await store.UpsertAsync(Live(2, 1), Ct)).Should().Be(WriteResult.Applied);
        (await store.DeleteAsync(2, 2, Ct)).Should().Be(WriteResult.Applied);
        (await store.BulkLoadAsync(Async([Live(3, 1), Live(1, 0)]), Ct)).Should().Be(1);

        (await store.GetAsync(1, Ct)).Should().Be(Live(1, 1, "it's \"quoted\""));
        var scanned = new List<VersionedRecord<long, string>>();
        await foreach (var record in store.ScanAsync(KeyRange<long>.AtOrAfter(2), 1, Ct))
        {
            scanned.Add(record);
        }

        scanned.Should().Equal(Tombstone(2, 2), Live(3, 1));

        // The objects carry the names as written, not folded to lower case or cut at a quote.
        (await Scratch.CountAsync(
            $"SELECT count(*) FROM pg_attribute WHERE attrelid = '\"{Scratch.Schema}\".\"Odd\"\"Orders\"'::regclass AND attname IN ('Order\"Id', 'Pay Load', 'Row\"Version')"))
            .Should().Be(3);
        (await Scratch.CountAsync($"SELECT count(*) FROM \"{Scratch.Schema}\".\"Odd\"\"Orders__dw_tombstones\" WHERE \"Order\"\"Id\" = 2 AND \"Row\"\"Version\" = 2"))
            .Should().Be(1);
    }

    [Fact]
    public async Task CaseDiffers_IsAnotherColumn()
    {
        // "Id" and "id" are two columns once quoted; the mapping names "Id", which the table lacks.
        await Scratch.ExecuteAsync($"CREATE TABLE \"{Scratch.Schema}\".\"items\" (id bigint PRIMARY KEY, payload text)");
        var store = new PostgreSqlVersionedStore<long, string>(
            Scratch.DataSource,
            new(
                "items",
                new(["Id"], key => [key], (reader, ordinal) => reader.GetInt64(ordinal)),
                new(["payload"], value => [value], (reader, ordinal) => reader.GetString(ordinal)),
                Comparer<long>.Default,
                Scratch.Schema));

        var act = async () => await store.EnsureSchemaAsync(Ct);

        var error = (await act.Should().ThrowAsync<PostgreSqlStoreException>()).Which;
        error.Kind.Should().Be(PostgreSqlStoreErrorKind.SchemaMismatch);
        error.Message.Should().Contain("Id");
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad\0name")]
    [InlineData("a_name_of_forty_nine_bytes_which_is_one_too_long_")]
    public void Mapping_UnusableTableName_IsRejected(string table)
    {
        var act = () => new PostgreSqlTableMapping<long, string>(
            table,
            new PostgreSqlColumnMap<long>(["id"], key => [key], (reader, ordinal) => reader.GetInt64(ordinal)),
            new PostgreSqlColumnMap<string>(["payload"], value => [value], (reader, ordinal) => reader.GetString(ordinal)),
            Comparer<long>.Default);

        act.Should().Throw<ArgumentException>().WithParameterName("table");
    }
}
