using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using DualWrite.Cli.Commands;
using DualWrite.Core.Phases;
using DualWrite.Dashboard;
using DualWrite.Hosting.Flags;
using DualWrite.MySql.Control;
using DualWrite.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.FeatureManagement;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace DualWrite.Dashboard.Tests;

/// <summary>The dashboard in headless chromium, over real MariaDB and PostgreSQL.</summary>
public sealed class DashboardTests(MigrationRig rig, BrowserFixture browser, ITestOutputHelper output) : IClassFixture<MigrationRig>, IClassFixture<BrowserFixture>
{
    // How soon a change shows is set by the polling intervals, asserted as such; the waits for the change itself are
    // for the observed event, with a safety net far beyond them, and print how long they took: a busy machine must
    // not fail the test.
    private static readonly LocatorAssertionsToHaveTextOptions SafetyNet = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToHaveClassOptions SafetyNetClass = new() { Timeout = 30_000 };

    [Fact]
    public async Task SignIn_ListsTheEntitiesAndTheirPhases_WithTheSecurityHeaders()
    {
        await using var dashboard = await DashboardInstance.StartAsync(rig);
        var page = await dashboard.SignInAsync(browser.Browser, "alice", DashboardInstance.OperatorToken);

        await Assertions.Expect(page.Locator("#entities tr[data-entity=items] td.phase")).ToHaveTextAsync("Backfill");
        await Assertions.Expect(page.Locator("#user")).ToHaveTextAsync("alice");
        await DashboardInstance.ScreenshotAsync(page, "entities");
        var response = await page.GotoAsync("/");
        var headers = response!.Headers;
        headers["content-security-policy"].Should().Contain("script-src 'self'").And.Contain("frame-ancestors 'none'").And.NotContain("unsafe-inline");
        headers["x-content-type-options"].Should().Be("nosniff");
        headers["referrer-policy"].Should().Be("no-referrer");
        (await page.ContentAsync()).Should().NotContain(MariaDbServer.Password).And.NotContain(PostgreSqlServer.Password);

        await page.ClickAsync("#sign-out");
        await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        (await page.APIRequest.GetAsync("/api/entities")).Status.Should().Be(401, "signing out ends the session");
    }

    [Fact]
    public async Task SignIn_WithAWrongToken_IsRefused()
    {
        await using var dashboard = await DashboardInstance.StartAsync(rig);
        var page = await dashboard.SignInAsync(browser.Browser, "mallory", "not-the-token-at-all");

        await Assertions.Expect(page.Locator("#login-error")).ToHaveTextAsync("That token is not valid.");
        (await page.APIRequest.GetAsync("/api/entities")).Status.Should().Be(401);
        await page.GotoAsync("/entities/items");
        page.Url.Should().EndWith("/login?ReturnUrl=%2Fentities%2Fitems", "a page asked for without a session leads to the login");
    }

    [Fact]
    public async Task SignIn_IsRateLimited_PerClientAddress()
    {
        await using var dashboard = await DashboardInstance.StartAsync(rig, loginAttemptsPerMinute: 3);
        using var http = new HttpClient { BaseAddress = new Uri(dashboard.Url + "/") };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await http.PostAsync("login", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "mallory", ["token"] = $"guess-{i}" }))).StatusCode);
        }

        statuses.Take(3).Should().NotContain(HttpStatusCode.TooManyRequests);
        statuses[3].Should().Be(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Advance_RefusedByTheReconciledGate_SaysWhy_ThenAReconcileFromThePage_LetsItThrough_AndThePhaseSourceSeesIt()
    {
        await using var dashboard = await DashboardInstance.StartAsync(rig);
        using var app = new AppInstance(dashboard.Tables, "items");
        await app.Phases.RefreshAsync(CancellationToken.None);
        app.Phases.GetPhase("items").Should().Be(MigrationPhase.Backfill);
        var page = await dashboard.SignInAsync(browser.Browser, "alice", DashboardInstance.OperatorToken);
        await page.ClickAsync("#entities a:text('items')");

        await page.FillAsync("#reason", "backfill caught up");
        await page.ClickAsync("#advance");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("refused items: Backfill -> DualWriteReadOld (Advance): gate reconciled did not pass");
        await Assertions.Expect(page.Locator("#gates tr.fail")).ToContainTextAsync("reconciled");
        // Never reconciled, or only before this entity entered Backfill (another test's run): either way the reason says what to run.
        await Assertions.Expect(page.Locator("#gates tr.fail")).ToContainTextAsync("`dualwrite reconcile --plan");
        await Assertions.Expect(page.Locator("#phase")).ToHaveTextAsync("Backfill");
        await DashboardInstance.ScreenshotAsync(page, "advance-refused");

        await page.ClickAsync("#reconcile");
        await Assertions.Expect(page.Locator("#reconcile-job")).ToContainTextAsync("reconciliation finished (started by alice): clean", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#last-reconcile")).ToContainTextAsync(": clean");
        await Assertions.Expect(page.Locator("#gates tr", new() { HasText = "reconciled" })).ToHaveClassAsync("pass");
        await DashboardInstance.ScreenshotAsync(page, "entity");

        await page.FillAsync("#reason", "reconciled clean");
        await page.ClickAsync("#advance");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("applied items: Backfill -> DualWriteReadOld");
        var applied = Stopwatch.StartNew();
        await Eventually.WaitUntilAsync(() => app.Phases.GetPhase("items") == MigrationPhase.DualWriteReadOld, "the application's phase source to see DualWriteReadOld", TimeSpan.FromSeconds(30));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"the phase source saw DualWriteReadOld {applied.Elapsed.TotalMilliseconds:0} ms after the page said applied"));
        (MySqlPhaseConfigurationOptions.DefaultPollInterval + FeatureFlagPhaseSourceOptions.DefaultRefreshInterval).Should().BeLessThan(
            TimeSpan.FromSeconds(1), "the application's phase source polls the control table and refreshes its flags often enough to see a move within 1 s");
        await Assertions.Expect(page.Locator("#phase")).ToHaveTextAsync("DualWriteReadOld");

        var history = await dashboard.Ungated.GetHistoryAsync("items", CancellationToken.None);
        history.Select(h => (h.Action, h.Actor, h.Applied)).Should().ContainInOrder(
            ("Advance", "alice", false), ("Reconcile", "alice", true), ("Advance", "alice", true));
        var report = await page.GotoAsync("/entities/items/report");
        report!.Headers["content-security-policy"].Should().Contain("default-src 'none'").And.Contain("frame-ancestors 'none'");
        (await page.ContentAsync()).Should().Contain("Reconciliation of dash-plan");
    }

    [Fact]
    public async Task RollBack_FromDualWriteReadNew_AsksToConfirm_AndTheAuditShowsTheUserAndTheReason()
    {
        await using var dashboard = await DashboardInstance.StartAsync(rig);
        await dashboard.PutInAsync(MigrationPhase.DualWriteReadNew);
        var page = await dashboard.SignInAsync(browser.Browser, "bob", DashboardInstance.OperatorToken);
        await page.GotoAsync("/entities/items");
        await Assertions.Expect(page.Locator("#phase")).ToHaveTextAsync("DualWriteReadNew");
        string? asked = null;
        page.Dialog += async (_, dialog) =>
        {
            asked = dialog.Message;
            await dialog.AcceptAsync();
        };

        await page.FillAsync("#reason", "new store error rate 2%");
        await page.SelectOptionAsync("#rollback-to", "OldOnly");
        await page.ClickAsync("#rollback");

        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("applied items: DualWriteReadNew -> OldOnly (RollbackTo)");
        asked.Should().Contain("roll back to OldOnly").And.Contain("new store error rate 2%");
        await Assertions.Expect(page.Locator("#phase")).ToHaveTextAsync("OldOnly");
        var latest = page.Locator("#history tr").Nth(1);
        await Assertions.Expect(latest.Locator("td.actor")).ToHaveTextAsync("bob");
        await Assertions.Expect(latest.Locator("td.reason")).ToHaveTextAsync("new store error rate 2%");
        await Assertions.Expect(latest).ToContainTextAsync("RollbackTo");
        await DashboardInstance.ScreenshotAsync(page, "rolled-back");
    }

    [Fact]
    public async Task APhaseMovedWithTheCli_AppearsOnAnOpenPage_WithinTwoSeconds()
    {
        await using var dashboard = await DashboardInstance.StartAsync(rig);
        var page = await dashboard.SignInAsync(browser.Browser, "carol", DashboardInstance.OperatorToken);
        await page.GotoAsync("/entities/items");
        await Assertions.Expect(page.Locator("#phase")).ToHaveTextAsync("Backfill");

        var target = new PhaseTarget(null, dashboard.Tables.PhaseTable, dashboard.Tables.AuditTable) { HealthTable = dashboard.Tables.HealthTable };
        var (console, printed) = MigrationRig.Capture();
        var exit = await PhaseChangeCommand.RunAsync(new(target, "items", PhaseTransitionKind.StepBack, null, "dave", "paused from the shell"), MigrationRig.Environment, console, CancellationToken.None);
        exit.Should().Be(0, printed.ToString());

        DashboardPolling.Interval.Should().BeLessThan(TimeSpan.FromSeconds(2), "an open page asks for the entity's state often enough to show a change within 2 s");
        var moved = Stopwatch.StartNew();
        await Assertions.Expect(page.Locator("#phase")).ToHaveTextAsync("OldOnly", SafetyNet);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"the open page showed the CLI's move after {moved.Elapsed.TotalMilliseconds:0} ms"));
        await Assertions.Expect(page.Locator("#history tr").Nth(1).Locator("td.actor")).ToHaveTextAsync("dave");
        await page.GotoAsync("/");
        var list = page.Locator("#entities tr[data-entity=items] td.phase");
        await Assertions.Expect(list).ToHaveTextAsync("OldOnly");
        (await PhaseChangeCommand.RunAsync(new(target, "items", PhaseTransitionKind.Advance, null, "dave", "resumed"), MigrationRig.Environment, console, CancellationToken.None)).Should().Be(0);
        await Assertions.Expect(list).ToHaveTextAsync("Backfill", SafetyNet);
    }

    [Fact]
    public async Task AViewer_SeesNoButtons_AndGets403ForChangesFromTheApi()
    {
        await using var dashboard = await DashboardInstance.StartAsync(rig);
        var page = await dashboard.SignInAsync(browser.Browser, "victor", DashboardInstance.ViewerToken);
        await page.GotoAsync("/entities/items");
        await Assertions.Expect(page.Locator("#phase")).ToHaveTextAsync("Backfill");
        await Assertions.Expect(page.Locator("#gates")).ToBeVisibleAsync();

        (await page.Locator("#panel button").CountAsync()).Should().Be(0);
        await DashboardInstance.ScreenshotAsync(page, "viewer");
        using var http = Client(dashboard, DashboardInstance.ViewerToken);
        (await http.GetAsync("api/entities/items")).StatusCode.Should().Be(HttpStatusCode.OK);
        foreach (var action in new[] { "advance", "step-back", "rollback", "reconcile" })
        {
            (await http.PostAsync($"api/entities/items/{action}", Json("""{"reason":"viewer tries","to":"OldOnly"}"""))).StatusCode.Should().Be(HttpStatusCode.Forbidden, action);
        }

        (await dashboard.Ungated.GetPhaseAsync("items", CancellationToken.None))!.Phase.Should().Be(MigrationPhase.Backfill);
    }

    [Fact]
    public async Task ACookiePostWithoutTheAntiforgeryToken_IsRefused()
    {
        await using var dashboard = await DashboardInstance.StartAsync(rig);
        var page = await dashboard.SignInAsync(browser.Browser, "alice", DashboardInstance.OperatorToken);
        await page.GotoAsync("/entities/items");

        // The browser's own session cookie, without the page's token: what a forged cross-site request would carry.
        var forged = await page.APIRequest.PostAsync("/api/entities/items/step-back", new() { DataObject = new { reason = "forged" } });
        forged.Status.Should().Be(400);
        (await forged.TextAsync()).Should().Contain("anti-forgery");

        // An Authorization header that is not the dashboard's does not excuse a call that sends the session cookie.
        var withHeader = await page.APIRequest.PostAsync("/api/entities/items/step-back", new()
        {
            DataObject = new { reason = "forged" },
            Headers = new Dictionary<string, string> { ["Authorization"] = "Basic Zm9vOmJhcg==" },
        });
        withHeader.Status.Should().Be(400);
        (await dashboard.Ungated.GetPhaseAsync("items", CancellationToken.None))!.Phase.Should().Be(MigrationPhase.Backfill);
    }

    [Fact]
    public async Task AnUnauthenticatedApiCall_Gets401_AndTheOperatorsBearerToken_MovesThePhase()
    {
        await using var dashboard = await DashboardInstance.StartAsync(rig);
        using (var anonymous = new HttpClient { BaseAddress = new Uri(dashboard.Url + "/") })
        {
            (await anonymous.GetAsync("api/entities")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await anonymous.PostAsync("api/entities/items/advance", Json("""{"reason":"x"}"""))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using (var wrong = Client(dashboard, "wrong-token-0123456789"))
        {
            (await wrong.GetAsync("api/entities")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using var http = Client(dashboard, DashboardInstance.OperatorToken);
        http.DefaultRequestHeaders.Add("X-DualWrite-Actor", "ci-job");
        var stepBack = await http.PostAsync("api/entities/items/step-back", Json("""{"reason":"pipeline paused"}"""));
        (await stepBack.Content.ReadAsStringAsync()).Should().Contain("\"applied\":true");
        var list = await http.GetStringAsync("api/entities");
        list.Should().Contain("\"phase\":\"OldOnly\"").And.NotContain(MariaDbServer.Password).And.NotContain(PostgreSqlServer.Password);
        var history = await dashboard.Ungated.GetHistoryAsync("items", CancellationToken.None);
        history[^1].Actor.Should().Be("ci-job (operator token)");
        history[^1].Reason.Should().Be("pipeline paused");
    }

    [Fact]
    public async Task AnOperator_TakesTheEntityThroughAllFivePhasesAndBack_FromTheDashboardAlone()
    {
        await using var dashboard = await DashboardInstance.StartAsync(rig);
        await dashboard.Ungated.StepBackAsync("items", "setup", "start from the first phase", CancellationToken.None);
        var page = await dashboard.SignInAsync(browser.Browser, "erin", DashboardInstance.OperatorToken);
        await page.GotoAsync("/entities/items");
        await Assertions.Expect(page.Locator("#phase")).ToHaveTextAsync("OldOnly");
        foreach (var next in new[] { "Backfill", "DualWriteReadOld", "DualWriteReadNew", "NewOnly" })
        {
            if (next != "Backfill")
            {
                // The reconciled gate wants a clean run from the phase being left: run it from the page, and see the
                // gate's evidence turn to a pass beside the button.
                await page.ClickAsync("#reconcile");
                await Assertions.Expect(page.Locator("#reconcile-job")).ToContainTextAsync("reconciliation finished (started by erin): clean", new() { Timeout = 60_000 });
            }

            var reconciled = page.Locator("#gates tr", new() { HasText = "reconciled" });
            await Assertions.Expect(reconciled).ToHaveClassAsync("pass", SafetyNetClass);
            await Assertions.Expect(page.Locator("#advance")).ToContainTextAsync(next);
            await page.FillAsync("#reason", $"gates pass for {next}");
            await page.ClickAsync("#advance");
            await Assertions.Expect(page.Locator("#message")).ToContainTextAsync($"-> {next}");
            await Assertions.Expect(page.Locator("#phase")).ToHaveTextAsync(next);
        }

        await Assertions.Expect(page.Locator("#advance")).ToHaveCountAsync(0);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.FillAsync("#reason", "all the way back");
        await page.SelectOptionAsync("#rollback-to", "OldOnly");
        await page.ClickAsync("#rollback");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("NewOnly -> OldOnly", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#phase")).ToHaveTextAsync("OldOnly", SafetyNet);
        var history = await dashboard.Ungated.GetHistoryAsync("items", CancellationToken.None);
        history.Where(h => h.Applied && h.Kind is not null && h.Actor == "erin").Select(h => h.To).Should().Equal(
            MigrationPhase.Backfill, MigrationPhase.DualWriteReadOld, MigrationPhase.DualWriteReadNew, MigrationPhase.NewOnly, MigrationPhase.OldOnly);
    }

    private static HttpClient Client(DashboardInstance dashboard, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(dashboard.Url + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    /// <summary>The sample application's phase source: the MySQL control table through Microsoft.FeatureManagement.</summary>
    private sealed class AppInstance : IDisposable
    {
        private readonly IConfigurationRoot _configuration;
        private readonly ConfigurationFeatureDefinitionProvider _definitions;

        public AppInstance(PhaseControlTables tables, string entity)
        {
            _configuration = new ConfigurationBuilder().AddDualWritePhasesFromMySql(MariaDbServer.ConnectionString(), o => o.Tables = tables).Build();
            _definitions = new ConfigurationFeatureDefinitionProvider(_configuration);
            var options = new FeatureFlagPhaseSourceOptions();
            options.Entities.Add(entity);
            Phases = new FeatureFlagPhaseSource(new FeatureManager(_definitions, new FeatureManagementOptions()), _configuration, options);
        }

        public FeatureFlagPhaseSource Phases { get; }

        public void Dispose()
        {
            Phases.Dispose();
            _definitions.Dispose();
            ((IDisposable)_configuration).Dispose();
        }
    }
}
