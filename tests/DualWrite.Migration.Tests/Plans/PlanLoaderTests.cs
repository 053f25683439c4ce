using DualWrite.Migration.Plans;

namespace DualWrite.Migration.Tests.Plans;

public sealed class PlanLoaderTests
{
    private const string Connections = """
        name: shop
        source:
          host: 127.0.0.1
          user: dualwrite
          passwordEnv: SHOP_MYSQL_PASSWORD
          database: shop
        target:
          connectionStringEnv: SHOP_PG
        """;

    private static IReadOnlyList<PlanProblem> Problems(string yaml)
    {
        var act = () => PlanLoader.Parse(yaml, "plan.yaml");
        return act.Should().Throw<PlanException>().Which.Problems;
    }

    private static PlanProblem SingleProblem(string yaml) => Problems(yaml).Should().ContainSingle().Which;

    [Fact]
    public void Parse_FullPlan_ReadsEveryKey()
    {
        var plan = PlanLoader.Parse(
            """
            name: orders-to-postgres
            source:            # MySQL/MariaDB
              host: 127.0.0.1
              port: 33306
              user: dualwrite
              passwordEnv: DUALWRITE_MYSQL_PASSWORD
              database: shop
            target:
              connectionStringEnv: SHOP_PG
              schema: sales
            backfill: { chunkSize: 10000, parallelism: 3, maxRowsPerSecond: 200, maxTargetLatency: 500ms }
            cdc: { batchSize: 400, lagBound: 2s }
            ddl: apply-compatible
            gates: [version-order]
            entities:
              - table: orders
                name: order-entity
                target: orders_v2
                key: [customer_id, order_no]
                version: row_version
                chunkSize: 5000
                columns:
                  - { source: total, target: total_amount }
                  - { source: email, transform: lower }
                  - status
              - table: customers
                exclude: [secret, notes]
            """,
            "plans/orders.yaml");

        plan.Name.Should().Be("orders-to-postgres");
        plan.File.Should().Be("plans/orders.yaml");
        plan.Source.Should().Be(new ConnectionPlan("127.0.0.1", 33306, "dualwrite", "DUALWRITE_MYSQL_PASSWORD", "shop", null, null, new("plans/orders.yaml", 3, 3))
        {
            DatabaseLocation = new("plans/orders.yaml", 7, 13),
        });
        plan.Target.Should().Be(new ConnectionPlan(null, null, null, null, null, "sales", "SHOP_PG", new("plans/orders.yaml", 9, 3)));
        plan.Backfill.Should().Be(new BackfillSettings(10_000, 3, 200, TimeSpan.FromMilliseconds(500)));
        plan.Cdc.Should().Be(new CdcSettings(400, TimeSpan.FromSeconds(2)));
        plan.Ddl.Should().Be(DdlPolicy.ApplyCompatible);
        plan.Gates.Should().Equal("version-order");

        var orders = plan.Entities[0];
        orders.Name.Should().Be("order-entity");
        orders.Table.Should().Be("orders");
        orders.TargetTable.Should().Be("orders_v2");
        orders.Key.Should().Equal("customer_id", "order_no");
        orders.VersionColumn.Should().Be("row_version");
        orders.ChunkSize.Should().Be(5000);
        orders.Exclude.Should().BeEmpty();
        orders.Location.Line.Should().Be(16);
        orders.KeyLocation!.Value.Line.Should().Be(19);
        orders.VersionLocation!.Value.Line.Should().Be(20);
        orders.Columns.Should().Equal(
            new ColumnPlan("total", "total_amount", ColumnTransform.None, new("plans/orders.yaml", 23, 9)),
            new ColumnPlan("email", "email", ColumnTransform.Lower, new("plans/orders.yaml", 24, 9)),
            new ColumnPlan("status", "status", ColumnTransform.None, new("plans/orders.yaml", 25, 9)));

        var customers = plan.Entities[1];
        customers.Name.Should().Be("customers");
        customers.TargetTable.Should().Be("customers");
        customers.Key.Should().BeNull();
        customers.Columns.Should().BeNull();
        customers.Exclude.Should().Equal("secret", "notes");
        customers.ExcludeLocations.Select(l => (l.Line, l.Column)).Should().Equal((27, 15), (27, 23));
    }

    [Fact]
    public void Parse_MinimalPlan_UsesTheDefaults()
    {
        var plan = PlanLoader.Parse(Connections + "\nentities:\n  - table: items\n", "plan.yaml");

        plan.Backfill.Should().Be(new BackfillSettings());
        plan.Cdc.EffectiveLagBound.Should().Be(TimeSpan.FromSeconds(1));
        plan.Ddl.Should().Be(DdlPolicy.Stop);
        plan.Gates.Should().BeEmpty();
        plan.Source.Port.Should().BeNull();
        plan.Target.Schema.Should().Be("public");
        plan.Entities.Should().ContainSingle().Which.Should().Match<EntityPlan>(e =>
            e.Name == "items" && e.TargetTable == "items" && e.Key == null && e.VersionColumn == null && e.ChunkSize == null);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2_000)]
    [InlineData("1m", 60_000)]
    public void Parse_Durations_AcceptMillisecondsSecondsAndMinutes(string text, int milliseconds)
    {
        var plan = PlanLoader.Parse(Connections + $"\ncdc: {{ lagBound: {text} }}\nentities: [{{ table: items }}]\n", "plan.yaml");

        plan.Cdc.LagBound.Should().Be(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Fact]
    public void UnknownKey_NearAValidOne_SuggestsIt()
    {
        var problem = SingleProblem(Connections + "\nbackfill:\n  chunksize: 100\nentities: [{ table: items }]\n");

        problem.Location.Should().Be(new PlanLocation("plan.yaml", 10, 3));
        problem.Subject.Should().Be("backfill.chunksize");
        problem.Message.Should().Be("unknown key `chunksize`; did you mean `chunkSize`?");
    }

    [Fact]
    public void UnknownKey_FarFromEveryValidOne_ListsThem()
    {
        var problem = SingleProblem(Connections + "\ncdc:\n  window: 3\nentities: [{ table: items }]\n");

        problem.Location.Line.Should().Be(10);
        problem.Message.Should().Be("unknown key `window`; expected one of batchSize, lagBound, parallelism");
    }

    [Fact]
    public void PasswordKey_IsRefused_WithoutItsValue()
    {
        var problems = Problems("""
            name: shop
            source:
              host: db
              user: app
              password: hunter2-secret
              database: shop
            target: { connectionStringEnv: PG }
            entities: [{ table: items }]
            """);

        var problem = problems.Should().ContainSingle().Which;
        problem.Location.Should().Be(new PlanLocation("plan.yaml", 5, 3));
        problem.Subject.Should().Be("source.password");
        problem.Message.Should().Be("passwords never go in a plan file; use passwordEnv");
        problem.ToString().Should().NotContain("hunter2");
        new PlanException(problems).Message.Should().NotContain("hunter2");
    }

    [Fact]
    public void PasswordEnv_ThatIsNotAVariableName_IsRefusedWithoutEchoingIt()
    {
        var problem = SingleProblem(Connections.Replace("passwordEnv: SHOP_MYSQL_PASSWORD", "passwordEnv: s3cret pass!", StringComparison.Ordinal) + "\nentities: [{ table: items }]\n");

        problem.Location.Should().Be(new PlanLocation("plan.yaml", 5, 16));
        problem.Subject.Should().Be("source.passwordEnv");
        problem.Message.Should().StartWith("passwordEnv must name an environment variable").And.NotContain("s3cret");
    }

    [Fact]
    public void WrongTypes_AreReportedAtTheirValues()
    {
        var problems = Problems(Connections.Replace("user: dualwrite", "user: dualwrite\n  port: lots", StringComparison.Ordinal) + "\ngates: { a: 1 }\nentities: items\n");

        problems.Select(p => (p.Location.Line, p.Location.Column, p.Subject, p.Message)).Should().Equal(
            (5, 9, "source.port", "expected a whole number; found `lots`"),
            (10, 8, "gates", "expected a list of names; found a mapping"),
            (11, 11, "entities", "expected a list of tables; found `items`"));
    }

    [Fact]
    public void UnknownGate_IsAProblemAtItsName()
    {
        var problem = SingleProblem(Connections + "\ngates: [version-order, stores-agre]\nentities: [{ table: items }]\n");

        problem.Location.Should().Be(new PlanLocation("plan.yaml", 9, 24));
        problem.Subject.Should().Be("gates");
        problem.Message.Should().Be("no gate is called 'stores-agre'; the gates are version-order, reconciled, cdc-lag, secondary-errors");
    }

    [Fact]
    public void MissingRequiredFields_AreEachReported()
    {
        var problems = Problems("""
            source:
              host: db
            backfill: {}
            entities:
              - name: lonely
            """);

        problems.Select(p => (p.Location.Line, p.Subject, p.Message)).Should().Equal(
            (1, "name", "missing: the plan's name (used for checkpoints and metrics)"),
            (1, "target", "missing: how to reach the PostgreSQL target"),
            (2, "source.user", "missing: user of the MySQL/MariaDB source (or give connectionStringEnv instead)"),
            (2, "source.database", "missing: database of the MySQL/MariaDB source (or give connectionStringEnv instead)"),
            (5, "entities[0]", "missing: table (the source table to move)"));
    }

    [Fact]
    public void ConnectionStringEnv_WithHost_IsRefused()
    {
        var problem = SingleProblem(Connections.Replace("connectionStringEnv: SHOP_PG", "connectionStringEnv: SHOP_PG\n  host: pg", StringComparison.Ordinal) + "\nentities: [{ table: items }]\n");

        problem.Location.Line.Should().Be(9);
        problem.Subject.Should().Be("target.host");
        problem.Message.Should().Be("connectionStringEnv already gives the whole connection; remove `host` or connectionStringEnv");
    }

    [Fact]
    public void DuplicateEntityNamesAndTargets_NameTheEarlierEntity()
    {
        var problems = Problems(Connections + """

            entities:
              - table: orders
              - table: orders
                target: orders_copy
              - table: archive
                target: ORDERS
            """);

        problems.Select(p => (p.Location.Line, p.Subject, p.Message)).Should().Equal(
            (11, "entities[1] orders", "entity name `orders` is already used by the entity at line 10; give one of them a different `name`"),
            (13, "entities[2] archive", "target table `ORDERS` is already used by the entity at line 10; give one of them a different `target`"));
    }

    [Fact]
    public void Parse_GateSettings_ReadsReconcileAndSecondaryErrors()
    {
        var plan = PlanLoader.Parse(Connections + """

            reconcile: { maxAge: 2h, recheckBound: 45s }
            secondaryErrors: { window: 10m, maxErrorRate: 0.01, maxMismatchRate: 0, minOperations: 500 }
            gates: [reconciled, cdc-lag, secondary-errors]
            entities: [{ table: items }]
            """, "plan.yaml");

        plan.Reconcile.Should().Be(new ReconcileSettings { MaxAge = TimeSpan.FromHours(2), RecheckBound = TimeSpan.FromSeconds(45) });
        plan.SecondaryErrors.Should().Be(new SecondaryErrorSettings { Window = TimeSpan.FromMinutes(10), MaxErrorRate = 0.01, MaxMismatchRate = 0, MinOperations = 500 });
        plan.Gates.Should().Equal("reconciled", "cdc-lag", "secondary-errors");
    }

    [Fact]
    public void Parse_WithoutGateSettings_UsesTheDocumentedDefaults()
    {
        var plan = PlanLoader.Parse(Connections + "\nreconcile: { recheckBound: 10s }\nentities: [{ table: items }]\n", "plan.yaml");

        plan.Reconcile.MaxAge.Should().Be(TimeSpan.FromHours(1));
        plan.Reconcile.RecheckBound.Should().Be(TimeSpan.FromSeconds(10));
        plan.SecondaryErrors.Should().Be(new SecondaryErrorSettings { Window = TimeSpan.FromMinutes(5), MaxErrorRate = 0.001, MaxMismatchRate = 0.001, MinOperations = 100 });
    }

    [Fact]
    public void BadGateSettings_AreEachReportedAtTheirValues()
    {
        var problems = Problems(Connections + """

            reconcile: { maxAge: soon, recheckBound: 0s, maxAgee: 1h }
            secondaryErrors:
              window: 5 minutes
              maxErrorRate: 1%
              maxMismatchRate: 1.5
              minOperations: 0
            entities: [{ table: items }]
            """);

        problems.Select(p => (p.Location.Line, p.Location.Column, p.Subject, p.Message)).Should().Equal(
            (9, 22, "reconcile.maxAge", "expected a duration, a whole number followed by ms, s, m or h (for example 500ms, 2s, 1m); found `soon`"),
            (9, 42, "reconcile.recheckBound", "must be longer than zero; found 0s"),
            (9, 46, "reconcile.maxAgee", "unknown key `maxAgee`; did you mean `maxAge`?"),
            (11, 11, "secondaryErrors.window", "expected a duration, a whole number followed by ms, s, m or h (for example 500ms, 2s, 1m); found `5 minutes`"),
            (12, 17, "secondaryErrors.maxErrorRate", "expected a ratio from 0 to 1 written as a number (0.001 for 0.1%); found `1%`"),
            (13, 20, "secondaryErrors.maxMismatchRate", "must be from 0 to 1; found 1.5"),
            (14, 18, "secondaryErrors.minOperations", "must be at least 1; found 0"));
    }

    [Fact]
    public void BadDurations_AreRefused()
    {
        var problems = Problems(Connections + "\nbackfill: { maxTargetLatency: 5 sec }\ncdc: { lagBound: 0s }\nentities: [{ table: items }]\n");

        problems.Select(p => (p.Location.Line, p.Location.Column, p.Subject, p.Message)).Should().Equal(
            (9, 31, "backfill.maxTargetLatency", "expected a duration, a whole number followed by ms, s, m or h (for example 500ms, 2s, 1m); found `5 sec`"),
            (10, 18, "cdc.lagBound", "must be longer than zero; found 0s"));
    }

    [Fact]
    public void NegativeAndZeroNumbers_AreRefused()
    {
        var problems = Problems(Connections + """

            backfill: { chunkSize: 0, parallelism: -2, maxRowsPerSecond: -1 }
            entities:
              - table: items
                chunkSize: -5
            """);

        problems.Select(p => (p.Location.Line, p.Subject, p.Message)).Should().Equal(
            (9, "backfill.chunkSize", "must be at least 1; found 0"),
            (9, "backfill.parallelism", "must not be negative; found -2"),
            (9, "backfill.maxRowsPerSecond", "must not be negative; found -1"),
            (12, "entities[0] items chunkSize", "must not be negative; found -5"));
    }

    [Fact]
    public void ColumnsWithExclude_IsRefused()
    {
        var problem = SingleProblem(Connections + """

            entities:
              - table: items
                columns: [id, name]
                exclude: [secret]
            """);

        problem.Location.Should().Be(new PlanLocation("plan.yaml", 12, 5));
        problem.Subject.Should().Be("entities[0] items exclude");
        problem.Message.Should().Be("`exclude` cannot be used with `columns`, which already lists every copied column; drop the excluded ones from `columns`");
    }

    [Fact]
    public void UnknownTransform_IsRefused_WithASuggestion()
    {
        var problems = Problems(Connections + """

            entities:
              - table: items
                columns:
                  - { source: email, transform: lowr }
                  - { source: name, transform: titlecase }
            """);

        problems.Select(p => (p.Location.Line, p.Subject, p.Message)).Should().Equal(
            (12, "entities[0] items.email", "unknown transform `lowr`; did you mean `lower`?"),
            (13, "entities[0] items.name", "unknown transform `titlecase`; expected none, trim, lower or upper"));
    }

    [Fact]
    public void UnknownDdlPolicy_IsRefused()
    {
        var problem = SingleProblem(Connections + "\nddl: ignore\nentities: [{ table: items }]\n");

        problem.Location.Should().Be(new PlanLocation("plan.yaml", 9, 6));
        problem.Message.Should().Be("unknown policy `ignore`; expected stop or apply-compatible");
    }

    [Theory]
    [InlineData("name: shop\nsource:\n  host: db\n   user: x\n", 4, "invalid YAML: while scanning a plain scalar value, found invalid mapping")]
    [InlineData("name: shop\nsource:\n  host: [db\n  user: x\n", 3, "invalid YAML: cannot read on after this point (an unclosed [, { or quote?)")]
    public void SyntaxError_IsReportedWithItsLine(string yaml, int line, string message)
    {
        var problem = SingleProblem(yaml);

        problem.Subject.Should().Be("yaml");
        problem.Location.Line.Should().Be(line);
        problem.Message.Should().Be(message);
    }

    [Theory]
    [InlineData("  : eng/services.sh up\nname: shop\n")]
    [InlineData("name: shop\n  : #comment\n")]
    public void YamlTheLoaderCannotRead_IsAPlanProblem(string yaml)
    {
        var load = () => PlanLoader.Parse(yaml, "plan.yaml");

        load.Should().Throw<PlanException>().Which.Problems.Should().OnlyContain(p => p.Subject.Length > 0 && p.Message.Length > 0);
    }

    [Fact]
    public void AProblemOfTheWholeDocument_IsAboutThePlan()
    {
        var problem = SingleProblem("- just\n- a list\n");

        problem.Subject.Should().Be("plan");
        problem.Message.Should().StartWith("expected a mapping with the keys name, source, target");
    }

    [Fact]
    public void DuplicateKey_IsReportedWithItsLine()
    {
        var problem = SingleProblem(Connections + "\nname: again\nentities: [{ table: items }]\n");

        problem.Location.Line.Should().Be(9);
        problem.Message.Should().Contain("uplicate key");
    }

    [Fact]
    public void EmptyFile_IsRefused()
    {
        var problem = SingleProblem("# nothing yet\n");

        problem.Location.Should().Be(new PlanLocation("plan.yaml", 1, 1));
        problem.Message.Should().StartWith("the file is empty");
    }

    [Fact]
    public void EveryProblem_IsReportedInOnePass_InFileOrder()
    {
        var problems = Problems("""
            name: shop plan
            source: { host: db, user: u, database: d, password: x }
            target: { connectionStringEnv: PG, shema: s }
            backfill: { chunkSize: lots }
            ddl: nope
            entities:
              - table: items
                colums: [a]
            """);

        problems.Select(p => (p.Location.Line, p.Subject)).Should().Equal(
            (1, "name"),
            (2, "source.password"),
            (3, "target.shema"),
            (4, "backfill.chunkSize"),
            (5, "ddl"),
            (8, "entities[0].colums"));
        problems[2].Message.Should().Be("unknown key `shema`; did you mean `schema`?");
        problems[5].Message.Should().Be("unknown key `colums`; did you mean `columns`?");
    }

    [Fact]
    public async Task LoadAsync_NamesTheFileAsGiven()
    {
        var path = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, Connections + "\nentities: [{ table: items, key: id }]\n");
        try
        {
            var plan = await PlanLoader.LoadAsync(path, CancellationToken.None);

            plan.File.Should().Be(path);
            plan.Entities[0].Key.Should().Equal("id");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
