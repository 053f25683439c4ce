using DualWrite.Migration.Plans;
using DualWrite.MySql.Stores;
using DualWrite.Samples.Orders.Data;
using DualWrite.Samples.Orders.Domain;
using DualWrite.Testing;
using MySqlConnector;

namespace DualWrite.Migration.Tests.Plans;

/// <summary>The plans in migration-plans/, validated against their tables created in a scratch database.</summary>
public sealed class SamplePlanTests
{
    // sysbench's own definition of sbtest1 (oltp_common.lua, MySQL driver).
    private const string SbtestSql = """
        CREATE TABLE sbtest1 (
          id INT NOT NULL AUTO_INCREMENT,
          k INT DEFAULT '0' NOT NULL,
          c CHAR(120) DEFAULT '' NOT NULL,
          pad CHAR(60) DEFAULT '' NOT NULL,
          PRIMARY KEY (id),
          KEY k_1 (k))
        """;

    private static async Task<(MigrationPlan Plan, ValidatedPlan Validated)> ValidateAsync(string file, Func<string, Task> createTables)
    {
        var plan = await PlanLoader.LoadAsync(Path.Combine(MariaDbServer.RepositoryRoot(), "migration-plans", file), CancellationToken.None);
        var database = await MariaDbServer.CreateScratchDatabaseAsync("sample_plan");
        try
        {
            await createTables(database);
            await using var connection = await MariaDbServer.OpenAsync();
            var scratch = plan with { Source = plan.Source with { Database = database } };
            return (plan, await PlanValidator.ValidateAsync(scratch, connection, CancellationToken.None));
        }
        finally
        {
            await SourceDatabaseFixture.ExecuteAsync($"DROP DATABASE `{database}`");
        }
    }

    /// <summary>The sample service's <c>orders</c> table, with the version column, tombstones and triggers its MySQL store adds.</summary>
    private static async Task CreateOrdersAsync(string database)
    {
        await SourceDatabaseFixture.ExecuteAsync($"USE `{database}`; {OrderTable.CreateSql}");
        var dataSource = new MySqlDataSource(MariaDbServer.ConnectionString(b => b.Database = database));
        await using var disposeDataSource = dataSource;
        var store = new MySqlVersionedStore<OrderKey, Order>(dataSource, OrderTable.Mapping(database), OrderTable.RepairLog(dataSource));
        await store.EnsureSchemaAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Sbtest_ValidatesAgainstSysbenchsTable()
    {
        var (plan, validated) = await ValidateAsync("sbtest.yaml", database => SourceDatabaseFixture.ExecuteAsync($"USE `{database}`; {SbtestSql}"));

        plan.Source.Should().Match<ConnectionPlan>(s => s.Database == "sbtest" && s.PasswordEnv == "DUALWRITE_MYSQL_PASSWORD" && s.Port == 33306);
        plan.Target.Should().Match<ConnectionPlan>(t => t.Host == "127.0.0.1" && t.Port == 55432 && t.User == "dualwrite" && t.PasswordEnv == "DUALWRITE_PG_PASSWORD" && t.Database == "dualwrite");
        var entity = validated.Entities.Should().ContainSingle().Which;
        entity.Columns.Select(c => (c.Target, c.Type.Sql)).Should().Equal(("id", "integer"), ("k", "integer"), ("c", "varchar(120)"), ("pad", "varchar(60)"));
        entity.KeyColumns.Should().Equal(0);
        entity.VersionColumn.Should().BeNull();
    }

    [Fact]
    public async Task Orders_ValidatesAgainstTheSampleServicesTable()
    {
        var (plan, validated) = await ValidateAsync("orders.yaml", CreateOrdersAsync);

        plan.Source.Database.Should().Be("dualwrite_sample_old");
        plan.Gates.Should().Equal(["reconciled", "cdc-lag"], "a forward move of the sample's entity needs a fresh clean reconcile and a running catch-up; the version order is every plan's gate");
        var entity = validated.Entities.Should().ContainSingle().Which;
        entity.Columns.Select(c => (c.Target, c.Type.Sql)).Should().Equal(
            ("customer_id", "bigint"),
            ("order_no", "integer"),
            ("status", "text"),
            ("total", "numeric(12,2)"),
            ("placed_at", "timestamp(6)"),
            ("details", "jsonb"), // MariaDB's JSON is LONGTEXT with a json_valid check, which marks it as JSON.
            ("receipt", "bytea"),
            ("_dw_version", "bigint"));
        entity.KeyColumns.Should().Equal(0, 1);
        entity.VersionColumn.Should().Be(7);
    }
}
