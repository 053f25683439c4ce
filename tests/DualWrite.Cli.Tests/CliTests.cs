using DualWrite.Cli;
using DualWrite.Cli.Commands;
using DualWrite.MySql.Replication;
using DualWrite.Testing;
using MySqlConnector;
using Spectre.Console;

namespace DualWrite.Cli.Tests;

/// <summary>The CLI commands against the MariaDB started by eng/services.sh (DUALWRITE_MYSQL_* settings).</summary>
public sealed partial class CliTests
{
    static CliTests()
    {
        // The CLI reads its password only from the environment; outside eng/test.sh use the services script's default.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DUALWRITE_MYSQL_PASSWORD")))
        {
            Environment.SetEnvironmentVariable("DUALWRITE_MYSQL_PASSWORD", "dualwrite-local-only");
        }
    }

    private static (IAnsiConsole Console, StringWriter Output) Capture()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        return (console, output);
    }

    /// <summary>The source as the CLI connects to it (DUALWRITE_MYSQL_* variables), after checking the server is up.</summary>
    private static MySqlConnectionStringBuilder Source()
    {
        MariaDbServer.EnsureReachable();
        return SourceConnection.FromEnvironment();
    }

    private static Task ExecuteAsync(string sql) => MariaDbServer.ExecuteAsync(sql);

    /// <summary>Runs <paramref name="test"/> with an environment variable set to <paramref name="value"/>, then restores it.</summary>
    /// <remarks>The CLI tests are one class, so xUnit runs them one at a time and no other test sees the change.</remarks>
    private static async Task WithEnvironmentAsync(string name, string? value, Func<Task> test)
    {
        var before = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
        try
        {
            await test();
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, before);
        }
    }

    [Theory]
    [InlineData("binlog.000042:1234", "binlog.000042", 1234UL, null)]
    [InlineData("0-1-42", "", 0UL, "0-1-42")]
    [InlineData("0-1-42,1-2-7", "", 0UL, "0-1-42,1-2-7")]
    public void ParsePosition_AcceptsFileOffsetAndGtidState(string text, string file, ulong offset, string? gtid) =>
        CdcTailCommand.ParsePosition(text).Should().Be(new BinlogPosition(file, offset, gtid));

    [Theory]
    [InlineData("binlog.000042")]
    [InlineData("yesterday")]
    [InlineData("0-1")]
    public void ParsePosition_Rejects_WithAHint(string text) =>
        FluentActions.Invoking(() => CdcTailCommand.ParsePosition(text)).Should().Throw<FormatException>().WithMessage("*FILE:OFFSET*");

    [Fact]
    public async Task Inspect_ConfiguredSource_ReportsBinlogSettingsAndTables()
    {
        var database = $"cli_{Guid.NewGuid():N}"[..20];
        Source();
        await ExecuteAsync($"CREATE DATABASE `{database}`; CREATE TABLE `{database}`.`items` (id INT PRIMARY KEY, name VARCHAR(20))");
        try
        {
            var (console, output) = Capture();

            var exit = await InspectCommand.RunAsync(database, requireCdc: true, console, CancellationToken.None);

            exit.Should().Be(ExitCodes.Success);
            var text = output.ToString();
            text.Should().Contain("MariaDB").And.Contain("binlog_row_metadata").And.Contain("items").And.Contain("id");
            text.Should().NotContain(Source().Password);
        }
        finally
        {
            await ExecuteAsync($"DROP DATABASE `{database}`");
        }
    }

    [Fact]
    public Task Inspect_OverTls_ReportsTheSessionsCipher() => WithEnvironmentAsync("DUALWRITE_MYSQL_TLS_CA", MariaDbServer.TlsCa, async () =>
        {
            File.Exists(MariaDbServer.TlsCa).Should().BeTrue("eng/services.sh creates the test CA");
            string cipher;
            await using (var connection = await MariaDbServer.OpenAsync(b => { b.SslMode = MySqlSslMode.VerifyCA; b.SslCa = MariaDbServer.TlsCa; }))
            await using (var command = new MySqlCommand("SHOW SESSION STATUS LIKE 'Ssl_cipher'", connection))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                (await reader.ReadAsync()).Should().BeTrue();
                cipher = reader.GetString(1);
            }

            var (console, output) = Capture();

            var exit = await InspectCommand.RunAsync(null, requireCdc: false, console, CancellationToken.None);

            exit.Should().Be(ExitCodes.Success);
            cipher.Should().NotBeEmpty("the server speaks TLS");
            output.ToString().Should().Contain($"connection      TLS ({cipher})");
        });

    [Fact]
    public Task Inspect_WrongPassword_ExitsWithConnectionFailed() => WithEnvironmentAsync("DUALWRITE_MYSQL_PASSWORD", "not-the-password", async () =>
        {
            Source();
            var (console, output) = Capture();

            var exit = await InspectCommand.RunAsync(null, requireCdc: false, console, CancellationToken.None);

            exit.Should().Be(ExitCodes.ConnectionFailed);
            output.ToString().Should().Contain("Access denied").And.Contain("(connection, 1045)").And.NotContain("not-the-password");
        });

    [Fact]
    public Task CdcTail_WrongPassword_ExitsWithConnectionFailed() => WithEnvironmentAsync("DUALWRITE_MYSQL_PASSWORD", "not-the-password", async () =>
        {
            Source();
            var (console, output) = Capture();

            var exit = await CdcTailCommand.RunAsync(new CdcTailCommand.Arguments(null, null, StopAtEnd: true, Limit: null), console, CancellationToken.None);

            exit.Should().Be(ExitCodes.ConnectionFailed);
            output.ToString().Should().Contain("1045").And.NotContain("not-the-password");
        });

    [Fact]
    public async Task CdcTail_FromAPosition_PrintsTheChangesMadeAfterIt()
    {
        var database = $"cli_{Guid.NewGuid():N}"[..20];
        Source();
        await ExecuteAsync($"CREATE DATABASE `{database}`; CREATE TABLE `{database}`.`t` (id INT PRIMARY KEY, v VARCHAR(20))");
        try
        {
            var start = await new BinlogReader(Source().ConnectionString).GetCurrentPositionAsync();
            await ExecuteAsync($"INSERT INTO `{database}`.t VALUES (7, 'seven'); UPDATE `{database}`.t SET v = 'SEVEN' WHERE id = 7; ALTER TABLE `{database}`.t ADD COLUMN w INT");
            var (console, output) = Capture();

            var exit = await CdcTailCommand.RunAsync(
                new CdcTailCommand.Arguments(database, $"{start.File}:{start.Offset}", StopAtEnd: true, Limit: null), console, CancellationToken.None);

            exit.Should().Be(ExitCodes.Success);
            var text = output.ToString();
            text.Should().Contain($"Insert {database}.t (7)").And.Contain("v: 'seven' -> 'SEVEN'").And.Contain("DDL Alter").And.Contain("3 transaction(s)");
        }
        finally
        {
            await ExecuteAsync($"DROP DATABASE `{database}`");
        }
    }

    [Fact]
    public async Task CdcTail_PurgedPosition_ExitsWithResnapshotNeeded()
    {
        Source();
        var (console, output) = Capture();

        var exit = await CdcTailCommand.RunAsync(new CdcTailCommand.Arguments(null, "binlog.000000:4", StopAtEnd: true, Limit: null), console, CancellationToken.None);

        exit.Should().Be(ExitCodes.ResnapshotNeeded);
        output.ToString().Should().Contain("re-snapshot");
    }

    [Fact]
    public async Task CdcTail_MalformedFrom_ExitsWithInvalidArguments()
    {
        var (console, output) = Capture();

        var exit = await CdcTailCommand.RunAsync(new CdcTailCommand.Arguments(null, "nonsense", StopAtEnd: true, Limit: null), console, CancellationToken.None);

        exit.Should().Be(ExitCodes.InvalidArguments);
        output.ToString().Should().Contain("FILE:OFFSET");
    }
}
