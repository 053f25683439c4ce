using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using DualWrite.Core.Phases;
using DualWrite.Dashboard;
using DualWrite.MySql.Control;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DualWrite.Dashboard.Tests;

/// <summary>The dashboard mounted in an application (<c>MapDualWriteDashboard</c>), authorised by the host's own policy.</summary>
public sealed class MountedDashboardTests(MigrationRig rig) : IClassFixture<MigrationRig>
{
    [Fact]
    public async Task Mounted_UnderAPrefix_RequiresTheHostsPolicy_AndTakesOperatorsFromTheHostsRoles()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var tables = new PhaseControlTables($"dash_phase_{suffix}", $"dash_audit_{suffix}", $"dash_health_{suffix}");
        var control = new MySqlPhaseControl(rig.Control, new PhaseTransitionPlanner([], TimeProvider.System), tables);
        await control.EnsureSchemaAsync(CancellationToken.None);
        await control.InitializeAsync("items", "setup", CancellationToken.None);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication("Host").AddScheme<AuthenticationSchemeOptions, HostUserHandler>("Host", null);
        builder.Services.AddAuthorization(o => o.AddPolicy("migration-team", p => p.RequireAuthenticatedUser().RequireClaim("team", "migration")));
        builder.Services.AddDualWriteDashboard(o =>
        {
            o.Plan = rig.Plan;
            o.SourceConnectionString = rig.SourceConnectionString;
            o.Target = rig.Target;
            o.Control = rig.Control;
            o.Tables = tables;
            o.AuthorizationPolicy = "migration-team";
            o.IsOperator = user => user.IsInRole("sre");
        });
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/", () => "the application");
        app.MapDualWriteDashboard("/dualwrite");
        await app.StartAsync();
        try
        {
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(url) };

            (await http.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.OK, "the host's own endpoints are the host's business");
            (await Send(http, HttpMethod.Get, "/dualwrite/api/entities", null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await Send(http, HttpMethod.Get, "/dualwrite/api/entities", "eve;other;")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "outside the host's policy");
            var page = await Send(http, HttpMethod.Get, "/dualwrite/entities/items", "val;migration;");
            page.StatusCode.Should().Be(HttpStatusCode.OK);
            var html = await page.Content.ReadAsStringAsync();
            html.Should().Contain("/dualwrite/assets/dashboard.js").And.NotContain("<button", "a member of the team who is not an operator only views");
            page.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("frame-ancestors 'none'");

            (await Send(http, HttpMethod.Post, "/dualwrite/api/entities/items/advance", "val;migration;", "{\"reason\":\"x\"}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
            var advanced = await Send(http, HttpMethod.Post, "/dualwrite/api/entities/items/advance", "sam;migration;sre", "{\"reason\":\"start the backfill\"}");
            (await advanced.Content.ReadAsStringAsync()).Should().Contain("\"applied\":true");
            var history = await control.GetHistoryAsync("items", CancellationToken.None);
            history[^1].Actor.Should().Be("sam");
            history[^1].To.Should().Be(MigrationPhase.Backfill);
        }
        finally
        {
            await app.StopAsync();
            await Testing.MariaDbServer.ExecuteAsync($"DROP TABLE IF EXISTS `{tables.PhaseTable}`, `{tables.AuditTable}`, `{tables.HealthTable}`");
        }
    }

    /// <summary>The request as the host's authentication would present it: "name;team;role" in a header (a program's call, so no anti-forgery token).</summary>
    private static Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string path, string? user, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("HostUser", user);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        return http.SendAsync(request);
    }

    private sealed class HostUserHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var header = Request.Headers.Authorization.ToString();
            if (!header.StartsWith("HostUser ", StringComparison.Ordinal))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var parts = header["HostUser ".Length..].Split(';');
            var claims = new List<Claim> { new(ClaimTypes.Name, parts[0]), new("team", parts[1]) };
            if (parts[2].Length > 0)
            {
                claims.Add(new Claim(ClaimTypes.Role, parts[2]));
            }

            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, "Host")), "Host")));
        }
    }
}
