using DualWrite.Core.Phases;
using DualWrite.Dashboard.Standalone;
using DualWrite.MySql.Control;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace DualWrite.Dashboard.Tests;

/// <summary>A standalone dashboard over the rig's plan, on control tables of its own (the entity starts in Backfill), on a free loopback port.</summary>
internal sealed class DashboardInstance : IAsyncDisposable
{
    public const string OperatorToken = "operator-token-0123456789";
    public const string ViewerToken = "viewer-token-0123456789";

    private readonly WebApplication _app;

    private DashboardInstance(WebApplication app, PhaseControlTables tables, MySqlPhaseControl ungated)
    {
        _app = app;
        Tables = tables;
        Ungated = ungated;
        Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public string Url { get; }

    /// <summary>Every line the dashboard logged.</summary>
    public LogLines Logs { get; private init; } = new();

    public PhaseControlTables Tables { get; }

    /// <summary>A control without gates, to put the entity where a test starts.</summary>
    public MySqlPhaseControl Ungated { get; }

    public static async Task<DashboardInstance> StartAsync(MigrationRig rig, int loginAttemptsPerMinute = 1000)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var tables = new PhaseControlTables($"dash_phase_{suffix}", $"dash_audit_{suffix}", $"dash_health_{suffix}");
        var ungated = new MySqlPhaseControl(rig.Control, new PhaseTransitionPlanner([], TimeProvider.System), tables);
        await ungated.EnsureSchemaAsync(CancellationToken.None);
        await ungated.InitializeAsync("items", "setup", CancellationToken.None);
        await ungated.AdvanceAsync("items", "setup", "the backfill runs", CancellationToken.None);
        var logs = new LogLines();
        var app = DashboardStandalone.Build(
            o =>
            {
                o.Plan = rig.Plan;
                o.SourceConnectionString = rig.SourceConnectionString;
                o.Target = rig.Target;
                o.Control = rig.Control;
                o.Tables = tables;
            },
            new DashboardTokens(OperatorToken, ViewerToken),
            "http://127.0.0.1:0",
            loginAttemptsPerMinute: loginAttemptsPerMinute,
            logging: l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        await app.StartAsync();
        return new DashboardInstance(app, tables, ungated) { Logs = logs };
    }

    /// <summary>Moves the entity without gates to <paramref name="phase"/> (forward one step at a time).</summary>
    public async Task PutInAsync(MigrationPhase phase)
    {
        while ((await Ungated.GetPhaseAsync("items", CancellationToken.None))!.Phase < phase)
        {
            (await Ungated.AdvanceAsync("items", "setup", "test setup", CancellationToken.None)).Applied.Should().BeTrue();
        }
    }

    public async Task<IPage> SignInAsync(IBrowser browser, string name, string token)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Url, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.FillAsync("#name", name);
        await page.FillAsync("#token", token);
        await page.ClickAsync("#sign-in");
        return page;
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        var logged = string.Join("\n", Logs.Lines);
        logged.Should().NotContain(Testing.MariaDbServer.Password).And.NotContain(Testing.PostgreSqlServer.Password)
            .And.NotContain(OperatorToken).And.NotContain(ViewerToken, "no log line holds a password or a token");
        await using var connection = await Testing.MariaDbServer.OpenAsync();
        await using var command = new MySqlConnector.MySqlCommand($"DROP TABLE IF EXISTS `{Tables.PhaseTable}`, `{Tables.AuditTable}`, `{Tables.HealthTable}`", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Collects every log line (message and exception) of a dashboard.</summary>
internal sealed class LogLines : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogLines owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel} {formatter(state, exception)} {exception}");
    }
}
