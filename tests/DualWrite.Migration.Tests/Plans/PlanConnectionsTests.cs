using DualWrite.Migration.Plans;
using DualWrite.MySql.Values;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Migration.Tests.Plans;

public sealed class PlanConnectionsTests
{
    private static readonly PlanLocation At = new("plan.yaml", 2, 3);

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void MySql_FromParts_TakesThePasswordFromTheNamedVariable()
    {
        var plan = new ConnectionPlan("db.internal", 33306, "app", "SHOP_PASSWORD", "shop", null, null, At);

        var builder = new MySqlConnectionStringBuilder(PlanConnections.MySqlConnectionString(plan, Environment(("SHOP_PASSWORD", "s3cret"))));

        builder.Server.Should().Be("db.internal");
        builder.Port.Should().Be(33306u);
        builder.UserID.Should().Be("app");
        builder.Password.Should().Be("s3cret");
        builder.Database.Should().Be("shop");
    }

    [Fact]
    public void MySql_FromParts_ReadsEveryValueExactly()
    {
        var plan = new ConnectionPlan("db", null, "app", null, "shop", null, null, At);

        var text = PlanConnections.MySqlConnectionString(plan, Environment());

        MySqlExactSettings.Problem(text).Should().BeNull();
        var builder = new MySqlConnectionStringBuilder(text);
        builder.TreatTinyAsBoolean.Should().BeFalse("TINYINT(1) holds more than 0 and 1");
        builder.GuidFormat.Should().Be(MySqlGuidFormat.None);
        builder.AllowZeroDateTime.Should().BeTrue();
        builder.ConvertZeroDateTime.Should().BeFalse("a zero date is kept as it is, not turned into DateTime.MinValue");
        builder.DateTimeKind.Should().Be(MySqlDateTimeKind.Unspecified);
    }

    [Fact]
    public void MySql_FromConnectionStringVariable_KeepsItsSettings_ButReadsValuesExactly()
    {
        var plan = new ConnectionPlan(null, null, null, null, null, null, "SHOP_MYSQL", At);

        var text = PlanConnections.MySqlConnectionString(plan, Environment(("SHOP_MYSQL", "Server=db;Port=3307;User ID=app;Database=shop;SslMode=Required;TreatTinyAsBoolean=true;GuidFormat=Char36")));

        var builder = new MySqlConnectionStringBuilder(text);
        builder.Server.Should().Be("db");
        builder.Port.Should().Be(3307u);
        builder.UserID.Should().Be("app");
        builder.Database.Should().Be("shop");
        builder.SslMode.Should().Be(MySqlSslMode.Required);
        MySqlExactSettings.Problem(text).Should().BeNull("the settings that would change values are overridden");
    }

    [Fact]
    public void MySql_DefaultPort_Is3306()
    {
        var plan = new ConnectionPlan("db", null, "app", null, "shop", null, null, At);

        new MySqlConnectionStringBuilder(PlanConnections.MySqlConnectionString(plan, Environment())).Port.Should().Be(3306u);
    }

    [Fact]
    public void MySql_UnsetPasswordVariable_NamesTheVariable()
    {
        var plan = new ConnectionPlan("db", null, "app", "SHOP_PASSWORD", "shop", null, null, At);

        var problem = FluentActions.Invoking(() => PlanConnections.MySqlConnectionString(plan, Environment()))
            .Should().Throw<PlanException>().Which.Problems.Should().ContainSingle().Which;

        problem.Should().Be(new PlanProblem(At, "source.passwordEnv", "environment variable SHOP_PASSWORD is not set; export it before running (the plan names the variable, never the value)"));
    }

    [Fact]
    public void MySql_InvalidConnectionStringVariable_IsRefusedWithoutItsValue()
    {
        var plan = new ConnectionPlan(null, null, null, null, null, null, "SHOP_MYSQL", At);

        var exception = FluentActions.Invoking(() => PlanConnections.MySqlConnectionString(plan, Environment(("SHOP_MYSQL", "Server=db;Pasword=hunter2;Nonsense"))))
            .Should().Throw<PlanException>().Which;

        exception.Problems.Single().Message.Should().Be("environment variable SHOP_MYSQL does not hold a valid MySQL connection string");
        exception.Message.Should().NotContain("hunter2");
    }

    [Fact]
    public void PostgreSql_FromParts_UsesNpgsqlKeys()
    {
        var plan = new ConnectionPlan("127.0.0.1", 55432, "dualwrite", "PG_PASSWORD", "dualwrite", "public", null, At);

        var builder = new NpgsqlConnectionStringBuilder(PlanConnections.PostgreSqlConnectionString(plan, Environment(("PG_PASSWORD", "pw"))));

        builder.Host.Should().Be("127.0.0.1");
        builder.Port.Should().Be(55432);
        builder.Username.Should().Be("dualwrite");
        builder.Password.Should().Be("pw");
        builder.Database.Should().Be("dualwrite");
    }

    [Fact]
    public void PostgreSql_FromConnectionStringVariable_KeepsIt()
    {
        var plan = new ConnectionPlan(null, null, null, null, null, "public", "SHOP_PG", At);

        var text = PlanConnections.PostgreSqlConnectionString(plan, Environment(("SHOP_PG", "Host=pg;Database=shop;Username=u")));

        new NpgsqlConnectionStringBuilder(text).Host.Should().Be("pg");
    }

    [Fact]
    public void PostgreSql_UnsetConnectionStringVariable_NamesTheVariable()
    {
        var plan = new ConnectionPlan(null, null, null, null, null, "public", "SHOP_PG", At);

        FluentActions.Invoking(() => PlanConnections.PostgreSqlConnectionString(plan, Environment()))
            .Should().Throw<PlanException>().Which.Problems.Single().Should().Match<PlanProblem>(p =>
                p.Subject == "target.connectionStringEnv" && p.Message.StartsWith("environment variable SHOP_PG is not set", StringComparison.Ordinal));
    }
}
