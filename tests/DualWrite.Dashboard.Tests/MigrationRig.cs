using DualWrite.Cli.Commands;
using DualWrite.Migration.Plans;
using DualWrite.MySql.Stores;
using DualWrite.Testing;
using MySqlConnector;
using Npgsql;
using Spectre.Console;

namespace DualWrite.Dashboard.Tests;

/// <summary>
/// One migration for the dashboard to show: an `items` table in a scratch MariaDB database, versioned by the MySQL
/// store adapter (so the version-order gate passes), backfilled into a PostgreSQL schema of its own, with the catch-up
/// following the binlog for as long as the tests run; and a plan over it whose gates are `[reconciled]`.
/// </summary>
public sealed class MigrationRig : IAsyncLifetime
{
    private CancellationTokenSource? _stopFollow;
    private Task<int>? _follow;

    public string Database { get; private set; } = "";

    public string PlanFile { get; private set; } = "";

    public ValidatedPlan Plan { get; private set; } = null!;

    public string SourceConnectionString { get; private set; } = "";

    public NpgsqlDataSource Target { get; private set; } = null!;

    public MySqlDataSource Control { get; private set; } = null!;

    /// <summary>The environment the CLI's commands read: the test servers' password and the PostgreSQL connection string under the names the plan gives.</summary>
    public static string? Environment(string name) => name switch
    {
        "DUALWRITE_TEST_PG" => PostgreSqlServer.ConnectionString(),
        "DUALWRITE_MYSQL_PASSWORD" => MariaDbServer.Password,
        _ => System.Environment.GetEnvironmentVariable(name),
    };

    public async Task InitializeAsync()
    {
        MariaDbServer.EnsureReachable();
        PostgreSqlServer.EnsureReachable();
        Database = await MariaDbServer.CreateScratchDatabaseAsync("dash");
        await MariaDbServer.ExecuteAsync($"CREATE TABLE `{Database}`.`items` (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL) ENGINE=InnoDB");
        SourceConnectionString = MariaDbServer.ConnectionString(b => b.Database = Database);
        await using (var versioned = new MySqlDataSource(SourceConnectionString))
        {
            var log = new MySqlRepairLog<int>(versioned, k => k.ToString(System.Globalization.CultureInfo.InvariantCulture), int.Parse);
            await log.EnsureSchemaAsync(CancellationToken.None);
            var store = new MySqlVersionedStore<int, string>(versioned, new MySqlTableMapping<int, string>(
                "items",
                new MySqlColumnMap<int>(["id"], k => [k], (r, i) => r.GetInt32(i)),
                new MySqlColumnMap<string>(["name"], v => [v], (r, i) => r.GetString(i)),
                Comparer<int>.Default), log);
            await store.EnsureSchemaAsync(CancellationToken.None);
        }

        // Plain SQL beside the adapter: its triggers stamp the versions.
        await MariaDbServer.ExecuteAsync($"INSERT INTO `{Database}`.`items` (id, name) SELECT seq, CONCAT('item-', seq) FROM seq_1_to_500");
        Target = PostgreSqlServer.CreateDataSource();
        await using (var command = Target.CreateCommand($"DROP SCHEMA IF EXISTS \"{Database}\" CASCADE; CREATE SCHEMA \"{Database}\""))
        {
            await command.ExecuteNonQueryAsync();
        }

        PlanFile = Path.Combine(Path.GetTempPath(), $"dashboard-{Database}.yaml");
        var source = MariaDbServer.Builder();
        await File.WriteAllTextAsync(PlanFile, $$"""
            name: dash-plan
            source:
              host: {{source.Server}}
              port: {{source.Port}}
              user: {{source.UserID}}
              passwordEnv: DUALWRITE_MYSQL_PASSWORD
              database: {{Database}}
            target: { connectionStringEnv: DUALWRITE_TEST_PG, schema: {{Database}} }
            backfill: { chunkSize: 200, parallelism: 2 }
            gates: [reconciled]
            entities:
              - table: items
                version: _dw_version
            """);
        var plan = await PlanLoader.LoadAsync(PlanFile, CancellationToken.None);
        await using (var connection = new MySqlConnection(SourceConnectionString))
        {
            await connection.OpenAsync();
            Plan = await PlanValidator.ValidateAsync(plan, connection, CancellationToken.None);
        }

        var (console, output) = Capture();
        var imported = await BackfillCommands.RunAsync(new(PlanFile, Resnapshot: false, Follow: false, Compare: false), Environment, console, TextWriter.Null, CancellationToken.None);
        imported.Should().Be(0, output.ToString());
        _stopFollow = new CancellationTokenSource();
        _follow = BackfillCommands.RunAsync(new(PlanFile, Resnapshot: false, Follow: true, Compare: false), Environment, Capture().Console, TextWriter.Null, _stopFollow.Token);
        Control = MariaDbServer.DataSource();
    }

    public async Task DisposeAsync()
    {
        if (_stopFollow is not null)
        {
            await _stopFollow.CancelAsync();
            await _follow!;
            _stopFollow.Dispose();
        }

        await using (var command = Target.CreateCommand($"DROP SCHEMA IF EXISTS \"{Database}\" CASCADE"))
        {
            await command.ExecuteNonQueryAsync();
        }

        await Target.DisposeAsync();
        await Control.DisposeAsync();
        await MariaDbServer.DropDatabaseAsync(Database);
        File.Delete(PlanFile);
    }

    public static (IAnsiConsole Console, StringWriter Output) Capture()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = 400;
        return (console, output);
    }
}
