using DualWrite.MySql.Schema;
using DualWrite.Testing;

namespace DualWrite.MySql.Tests.Integration.Schema;

/// <summary><see cref="MySqlSchemaReader"/> against the real server: what it reads of tables, columns, keys, indexes and triggers.</summary>
public sealed class MySqlSchemaReaderTests : SchemaTestBase
{
    public MySqlSchemaReaderTests()
        : base("schema")
    {
    }

    [Fact]
    public async Task ReadTable_DescribesColumnsKeysIndexesAndTriggers_OfATableWithAnOddName()
    {
        await ExecuteAsync("""
            CREATE TABLE `we``ird 'n` (
              b INT NOT NULL,
              a VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL,
              d DECIMAL(12,3) NULL,
              g INT AS (b + 1) VIRTUAL,
              t TEXT,
              ts TIMESTAMP(3) NULL,
              PRIMARY KEY (a, b), UNIQUE KEY u_t (t(10)), UNIQUE KEY u_d (d)) ENGINE=InnoDB;
            CREATE TRIGGER `we``ird 'n_bi` BEFORE INSERT ON `we``ird 'n` FOR EACH ROW SET NEW.d = 1;
            """);
        await using var connection = await OpenAsync();

        var table = await MySqlSchemaReader.ReadTableAsync(connection, Database, "we`ird 'n", CancellationToken.None);

        table.Should().NotBeNull();
        table!.Database.Should().Be(Database);
        table.Name.Should().Be("we`ird 'n");
        table.IsBaseTable.Should().BeTrue();
        table.Engine.Should().Be("InnoDB");
        table.Columns.Select(c => (c.Name, c.Ordinal)).Should().Equal(("b", 0), ("a", 1), ("d", 2), ("g", 3), ("t", 4), ("ts", 5));
        table.Find("A").Should().BeEquivalentTo(new
        {
            DataType = "varchar", ColumnType = "varchar(20)", IsNullable = false, CharacterSet = "latin1", Collation = "latin1_bin",
            CharacterMaximumLength = 20L, IsGenerated = false,
        });
        table.Find("d").Should().BeEquivalentTo(new { DataType = "decimal", IsNullable = true, NumericPrecision = 12, NumericScale = 3, CharacterSet = (string?)null });
        table.Find("g")!.IsGenerated.Should().BeTrue();
        table.Find("ts")!.DateTimePrecision.Should().Be(3);
        table.PrimaryKey.Should().Equal("a", "b");
        table.HasUniqueIndexOn(["a", "b"]).Should().BeTrue();
        table.HasUniqueIndexOn(["D"]).Should().BeTrue("column names compare case-insensitively");
        table.HasUniqueIndexOn(["t"]).Should().BeFalse("a prefix index is unique on the prefix only");
        table.HasUniqueIndexOn(["b", "a"]).Should().BeFalse("an index covers its columns in its order");
        table.Triggers.Should().ContainKey("we`ird 'n_bi").WhoseValue.Should().Contain("SET NEW.d = 1");
    }

    [Fact]
    public async Task ReadTable_WithoutADatabase_ReadsTheConnectionsDefault_AViewTooAndNullForNoTable()
    {
        await ExecuteAsync("CREATE TABLE base (id BIGINT UNSIGNED NOT NULL PRIMARY KEY); CREATE VIEW v AS SELECT id, 1 AS one FROM base;");
        await using var connection = await OpenAsync();

        var view = await MySqlSchemaReader.ReadTableAsync(connection, null, "v", CancellationToken.None);
        var missing = await MySqlSchemaReader.ReadTableAsync(connection, null, "absent", CancellationToken.None);

        view.Should().NotBeNull();
        view!.Database.Should().Be(Database);
        view.IsBaseTable.Should().BeFalse();
        view.Engine.Should().BeNull();
        view.PrimaryKey.Should().BeEmpty();
        view.Columns.Select(c => c.Name).Should().Equal("id", "one");
        view.Find("id")!.IsUnsigned.Should().BeTrue();
        missing.Should().BeNull();
    }

    [Fact]
    public async Task ReadTables_ListsTheBaseTablesByName_AndDatabaseExistsSaysWhetherThereIsOne()
    {
        await ExecuteAsync("""
            CREATE TABLE b_second (id INT PRIMARY KEY, x INT);
            CREATE TABLE a_first (k1 INT NOT NULL, k2 CHAR(2) NOT NULL, PRIMARY KEY (k2, k1));
            CREATE TABLE c_keyless (v INT);
            CREATE VIEW v AS SELECT 1 AS one;
            """);
        await using var connection = await OpenAsync();

        var tables = await MySqlSchemaReader.ReadTablesAsync(connection, Database, CancellationToken.None);

        tables.Select(t => t.Name).Should().Equal("a_first", "b_second", "c_keyless");
        tables[0].PrimaryKey.Should().Equal("k2", "k1");
        tables[1].Columns.Select(c => c.Name).Should().Equal("id", "x");
        tables[2].PrimaryKey.Should().BeEmpty();
        (await MySqlSchemaReader.DatabaseExistsAsync(connection, Database, CancellationToken.None)).Should().BeTrue();
        (await MySqlSchemaReader.DatabaseExistsAsync(connection, Database + "_absent", CancellationToken.None)).Should().BeFalse();
    }
}
