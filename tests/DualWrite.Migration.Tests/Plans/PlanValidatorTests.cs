using DualWrite.Migration.Plans;
using DualWrite.Testing;

namespace DualWrite.Migration.Tests.Plans;

/// <summary>Plans checked against real tables on the test MariaDB (see <see cref="SourceDatabaseFixture"/>).</summary>
public sealed class PlanValidatorTests(SourceDatabaseFixture source) : IClassFixture<SourceDatabaseFixture>
{
    private string Plan(string entities) =>
        $"""
        name: validator-test
        source:
          host: 127.0.0.1
          user: dualwrite
          passwordEnv: DUALWRITE_MYSQL_PASSWORD
          database: {source.Database}
        target:
          connectionStringEnv: SHOP_PG
        entities:
        {entities}
        """;

    private static int LineOf(string text, string fragment)
    {
        var lines = text.Split('\n');
        var index = Array.FindIndex(lines, l => l.Contains(fragment, StringComparison.Ordinal));
        index.Should().BeGreaterThanOrEqualTo(0, $"the plan contains `{fragment}`");
        return index + 1;
    }

    private async Task<ValidatedPlan> ValidateAsync(string yaml)
    {
        var plan = PlanLoader.Parse(yaml, "plan.yaml");
        await using var connection = await MariaDbServer.OpenAsync();
        return await PlanValidator.ValidateAsync(plan, connection, CancellationToken.None);
    }

    private async Task<IReadOnlyList<PlanProblem>> ProblemsAsync(string yaml)
    {
        var act = () => ValidateAsync(yaml);
        return (await act.Should().ThrowAsync<PlanException>()).Which.Problems;
    }

    private async Task<PlanProblem> SingleProblemAsync(string yaml) => (await ProblemsAsync(yaml)).Should().ContainSingle().Which;

    [Fact]
    public async Task ValidPlan_ResolvesColumnsKeysAndVersion()
    {
        var yaml = Plan("""
              - table: customers
                version: row_version
                exclude: [secret, big_version]
              - table: order_lines
                target: lines
                columns:
                  - { source: line_no, target: line }
                  - order_id
                  - { source: code, target: code_lower, transform: lower }
                  - qty
            """);

        var validated = await ValidateAsync(yaml);

        var customers = validated.Entities[0];
        customers.Columns.Select(c => c.Target).Should().Equal("id", "email", "name", "balance", "row_version", "label", "created_at");
        customers.Columns.Select(c => c.Type.Sql).Should().Equal("integer", "varchar(100)", "text", "numeric(12,2)", "bigint", "varchar(20)", "timestamp(6)");
        customers.KeyColumns.Should().Equal(0);
        customers.VersionColumn.Should().Be(4);
        customers.Source.Name.Should().Be("customers");

        var lines = validated.Entities[1];
        lines.Plan.TargetTable.Should().Be("lines");
        lines.Columns.Select(c => (c.Source.Name, c.Target, c.Transform)).Should().Equal(
            ("line_no", "line", ColumnTransform.None),
            ("order_id", "order_id", ColumnTransform.None),
            ("code", "code_lower", ColumnTransform.Lower),
            ("qty", "qty", ColumnTransform.None));
        lines.KeyColumns.Should().Equal(1, 0);
        lines.VersionColumn.Should().BeNull();
        lines.Source.EstimatedRows.Should().Be(3);
        lines.Columns[2].Apply("AbC").Should().Be("abc");
    }

    [Fact]
    public async Task UnknownTable_IsReportedAtItsName_WithTheNearestTable()
    {
        var yaml = Plan("  - table: custmers\n");

        var problem = await SingleProblemAsync(yaml);

        problem.Location.Should().Be(new PlanLocation("plan.yaml", 10, 12));
        problem.Subject.Should().Be("entities[0] custmers");
        problem.Message.Should().Be($"the source database `{source.Database}` has no table `custmers`; did you mean `customers`?");
        problem.ToString().Should().Be($"plan.yaml:10:12: entities[0] custmers: {problem.Message}");
    }

    [Fact]
    public async Task TableWithoutPrimaryKey_IsRefused()
    {
        var problem = await SingleProblemAsync(Plan("  - table: events\n"));

        problem.Location.Line.Should().Be(10);
        problem.Subject.Should().Be("entities[0] events");
        problem.Message.Should().Be($"table `{source.Database}.events` has no primary key; the backfill pages and upserts by key, so add one");
    }

    [Fact]
    public async Task KeyOtherThanThePrimaryKey_IsRefused()
    {
        var yaml = Plan("""
              - table: order_lines
                key: [line_no, order_id]
            """);

        var problem = await SingleProblemAsync(yaml);

        problem.Location.Line.Should().Be(LineOf(yaml, "key: [line_no"));
        problem.Subject.Should().Be("entities[0] order_lines");
        problem.Message.Should().Be($"key [line_no, order_id] is not the primary key [order_id, line_no] of `{source.Database}.order_lines`; write the primary key or leave `key` out");
    }

    [Fact]
    public async Task UnsupportedColumnType_UsesTheMappingsReason()
    {
        var yaml = Plan("  - table: places\n");

        var problem = await SingleProblemAsync(yaml);

        problem.Subject.Should().Be("entities[0] places.spot");
        problem.Message.Should().StartWith("column `spot` has type point, which has no PostgreSQL mapping").And.EndWith("; add it to `exclude` or list the columns to copy");
    }

    [Fact]
    public async Task UnsupportedColumnType_CanBeExcluded()
    {
        var validated = await ValidateAsync(Plan("  - table: places\n    exclude: [spot]\n"));

        validated.Entities.Single().Columns.Select(c => c.Target).Should().Equal("id", "name");
    }

    [Fact]
    public async Task MappingFromAMissingColumn_IsReportedAtTheMapping()
    {
        var yaml = Plan("""
              - table: customers
                columns:
                  - id
                  - { source: emial, target: email }
            """);

        var problem = await SingleProblemAsync(yaml);

        problem.Location.Should().Be(new PlanLocation("plan.yaml", LineOf(yaml, "emial"), 9));
        problem.Subject.Should().Be("entities[0] customers.emial");
        problem.Message.Should().Be($"`{source.Database}.customers` has no column `emial`; did you mean `email`?");
    }

    [Fact]
    public async Task TwoMappingsToOneTargetColumn_AreRefused()
    {
        var yaml = Plan("""
              - table: customers
                columns:
                  - id
                  - { source: email, target: contact }
                  - { source: label, target: CONTACT }
            """);

        var problem = await SingleProblemAsync(yaml);

        problem.Location.Line.Should().Be(LineOf(yaml, "source: label"));
        problem.Subject.Should().Be("entities[0] customers.label");
        problem.Message.Should().Be($"maps to target column `CONTACT`, which `email` at line {LineOf(yaml, "source: email")} already maps to; target columns must be distinct");
    }

    [Fact]
    public async Task MissingVersionColumn_IsRefused()
    {
        var yaml = Plan("  - table: customers\n    version: rowversion\n");

        var problem = await SingleProblemAsync(yaml);

        problem.Location.Should().Be(new PlanLocation("plan.yaml", 11, 14));
        problem.Subject.Should().Be("entities[0] customers.rowversion");
        problem.Message.Should().Be($"is named as the version column, but `{source.Database}.customers` has no such column; did you mean `row_version`?");
    }

    [Theory]
    [InlineData("label", "the version column must have an integer type (a version rises with every change), but it is varchar(20)")]
    [InlineData("created_at", "the version column must have an integer type (a version rises with every change), but it is datetime(6)")]
    [InlineData("big_version", "the version column is bigint unsigned, whose values can exceed the signed 64-bit versions the stores keep")]
    public async Task VersionColumnThatIsNotASignedInteger_IsRefused(string column, string message)
    {
        var problem = await SingleProblemAsync(Plan($"  - table: customers\n    version: {column}\n"));

        problem.Subject.Should().Be($"entities[0] customers.{column}");
        problem.Message.Should().Be(message);
    }

    [Fact]
    public async Task ExcludedVersionColumn_IsRefused()
    {
        var problem = await SingleProblemAsync(Plan("  - table: customers\n    version: row_version\n    exclude: [row_version]\n"));

        problem.Location.Line.Should().Be(11);
        problem.Message.Should().Be("the version column is excluded; a version travels with the data, so copy it");
    }

    [Fact]
    public async Task TransformOnANonTextColumn_IsRefused()
    {
        var yaml = Plan("""
              - table: customers
                columns:
                  - id
                  - { source: balance, transform: trim }
            """);

        var problem = await SingleProblemAsync(yaml);

        problem.Location.Line.Should().Be(LineOf(yaml, "source: balance"));
        problem.Subject.Should().Be("entities[0] customers.balance");
        problem.Message.Should().Be("transform `trim` needs a text column (CHAR, VARCHAR or TEXT), but `balance` is decimal(12,2)");
    }

    [Fact]
    public async Task ExcludingAKeyColumn_IsRefused()
    {
        var yaml = Plan("  - table: order_lines\n    exclude: [qty, line_no]\n");

        var problem = await SingleProblemAsync(yaml);

        problem.Location.Should().Be(new PlanLocation("plan.yaml", 11, 20));
        problem.Subject.Should().Be("entities[0] order_lines.line_no");
        problem.Message.Should().Be("is a primary key column and cannot be excluded; every row is copied by its key");
    }

    [Fact]
    public async Task ColumnsWithoutAKeyColumn_AreRefused()
    {
        var problem = await SingleProblemAsync(Plan("  - table: order_lines\n    columns: [order_id, qty]\n"));

        problem.Subject.Should().Be("entities[0] order_lines.line_no");
        problem.Message.Should().Be("is a primary key column but is not in `columns`; every key column is copied");
    }

    [Fact]
    public async Task ExcludingAMissingColumn_IsRefused()
    {
        var problem = await SingleProblemAsync(Plan("  - table: customers\n    exclude: [secrets]\n"));

        problem.Subject.Should().Be("entities[0] customers.secrets");
        problem.Message.Should().Be($"`exclude` names `secrets`, but `{source.Database}.customers` has no such column; did you mean `secret`?");
    }

    [Fact]
    public async Task EveryProblem_OfEveryEntity_IsReported_InFileOrder()
    {
        var yaml = Plan("""
              - table: events
              - table: customers
                version: label
                exclude: [id]
              - table: nowhere
            """);

        var problems = await ProblemsAsync(yaml);

        problems.Select(p => (p.Location.Line, p.Subject)).Should().Equal(
            (10, "entities[0] events"),
            (12, "entities[1] customers.label"),
            (13, "entities[1] customers.id"),
            (14, "entities[2] nowhere"));
    }

    [Fact]
    public async Task MissingDatabase_IsReportedAtTheSource()
    {
        var yaml = Plan("  - table: customers\n").Replace($"database: {source.Database}", "database: no_such_database_here", StringComparison.Ordinal);

        var problem = await SingleProblemAsync(yaml);

        problem.Should().Be(new PlanProblem(new("plan.yaml", 6, 13), "source.database", "the source has no database `no_such_database_here`"));
    }
}
