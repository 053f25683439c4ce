using DualWrite.Cli;
using DualWrite.Cli.Commands;

namespace DualWrite.Cli.Tests;

/// <summary><c>dualwrite plan validate</c>: exit codes and output.</summary>
public sealed partial class CliTests
{
    private static string PlanYaml(string database, string entities, uint? port = null, string schema = "public", string backfill = "{ chunkSize: 10000 }") =>
        $"""
        name: cli-plan
        source:
          host: {Source().Server}
          port: {port ?? Source().Port}
          user: {Source().UserID}
          passwordEnv: DUALWRITE_MYSQL_PASSWORD
          database: {database}
        target: {"{"} connectionStringEnv: DUALWRITE_TEST_PG, schema: {schema} {"}"}
        backfill: {backfill}
        entities:
        {entities}
        """;

    private static async Task<(int Exit, string Output)> ValidatePlanAsync(string yaml, Func<string, string?>? environment = null)
    {
        var file = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        try
        {
            var (console, output) = Capture();
            var exit = await PlanValidateCommand.RunAsync(file, environment ?? Environment.GetEnvironmentVariable, console, CancellationToken.None);
            return (exit, output.ToString().Replace(file, "plan.yaml", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<string> PlanDatabaseAsync()
    {
        var database = $"cli_{Guid.NewGuid():N}"[..20];
        await ExecuteAsync(
            $"CREATE DATABASE `{database}`; CREATE TABLE `{database}`.`items` (id INT PRIMARY KEY, name VARCHAR(20), row_version BIGINT NOT NULL); " +
            $"CREATE TABLE `{database}`.`notes` (id INT, body TEXT)");
        return database;
    }

    [Fact]
    public async Task PlanValidate_ValidPlan_PrintsASummaryPerEntity()
    {
        var database = await PlanDatabaseAsync();
        try
        {
            var (exit, output) = await ValidatePlanAsync(PlanYaml(database, "  - table: items\n    version: row_version\n    target: things\n"));

            exit.Should().Be(ExitCodes.Success);
            output.Should().Contain("items → public.things").And.Contain("row_version").And.Contain($"valid: 1 entity, checked against database {database} at");
            output.Should().NotContain(Source().Password);
        }
        finally
        {
            await ExecuteAsync($"DROP DATABASE `{database}`");
        }
    }

    [Fact]
    public async Task PlanValidate_PlanThatDoesNotFitTheSource_PrintsEachProblemWithItsLine()
    {
        var database = await PlanDatabaseAsync();
        try
        {
            var (exit, output) = await ValidatePlanAsync(PlanYaml(database, "  - table: notes\n  - table: itemz\n"));

            exit.Should().Be(ExitCodes.InvalidPlan);
            output.Should().Contain($"plan.yaml:11:12: entities[0] notes: table `{database}.notes` has no primary key");
            output.Should().Contain($"plan.yaml:12:12: entities[1] itemz: the source database `{database}` has no table `itemz`; did you mean `items`?");
            output.Should().Contain("plan.yaml: 2 problems");
        }
        finally
        {
            await ExecuteAsync($"DROP DATABASE `{database}`");
        }
    }

    [Fact]
    public async Task PlanValidate_MalformedPlan_ExitsWithInvalidPlan_BeforeConnecting()
    {
        var (exit, output) = await ValidatePlanAsync(PlanYaml("shop", "  - table: items\n    chunksize: 10\n", port: 1));

        exit.Should().Be(ExitCodes.InvalidPlan);
        output.Should().Contain("plan.yaml:12:5: entities[0].chunksize: unknown key `chunksize`; did you mean `chunkSize`?");
    }

    [Fact]
    public async Task PlanValidate_UnknownDatabase_IsAPlanProblem()
    {
        var (exit, output) = await ValidatePlanAsync(PlanYaml("no_such_database_cli", "  - table: items\n"));

        exit.Should().Be(ExitCodes.InvalidPlan);
        output.Should().Contain("plan.yaml:7:13: source.database: the source has no database `no_such_database_cli`");
    }

    [Fact]
    public async Task PlanValidate_UnreachableSource_ExitsWithConnectionFailed()
    {
        var (exit, _) = await ValidatePlanAsync(PlanYaml("shop", "  - table: items\n", port: 1));

        exit.Should().Be(ExitCodes.ConnectionFailed);
    }

    [Fact]
    public async Task PlanValidate_UnsetPasswordVariable_NamesIt_AndExitsWithInvalidArguments()
    {
        var (exit, output) = await ValidatePlanAsync(PlanYaml("shop", "  - table: items\n"), _ => null);

        exit.Should().Be(ExitCodes.InvalidArguments);
        output.Should().Contain("plan.yaml:3:3: source.passwordEnv: environment variable DUALWRITE_MYSQL_PASSWORD is not set");
    }

    [Fact]
    public async Task PlanValidate_MissingFile_ExitsWithInvalidArguments()
    {
        var (console, output) = Capture();

        var exit = await PlanValidateCommand.RunAsync("/nonexistent/plan.yaml", Environment.GetEnvironmentVariable, console, CancellationToken.None);

        exit.Should().Be(ExitCodes.InvalidArguments);
        output.ToString().Should().Contain("cannot read the plan file /nonexistent/plan.yaml");
    }

    [Fact]
    public async Task PlanValidate_WithoutAFile_IsACommandLineError() =>
        (await Program.Main(["plan", "validate"])).Should().Be(ExitCodes.InvalidArguments);
}
