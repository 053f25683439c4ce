using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DualWrite.Dashboard.Standalone;

public static partial class DashboardStandalone
{
    private static void MapLogin(WebApplication app)
    {
        app.MapGet("/login", (HttpContext http, IAntiforgery antiforgery) => LoginPage(http, antiforgery, null));
        app.MapPost("/login", async (HttpContext http, IAntiforgery antiforgery, DashboardTokens tokens, ILoggerFactory loggers) =>
        {
            var logger = loggers.CreateLogger("DualWrite.Dashboard");
            try
            {
                await antiforgery.ValidateRequestAsync(http).ConfigureAwait(false);
            }
            catch (AntiforgeryValidationException)
            {
                return LoginPage(http, antiforgery, "The form expired: try again.", StatusCodes.Status400BadRequest);
            }

            var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            var name = form["name"].ToString().Trim();
            var role = tokens.RoleOf(form["token"].ToString());
            if (role is null || name.Length is 0 or > 100)
            {
                LogLoginRefused(logger, http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
                return LoginPage(http, antiforgery, role is null ? "That token is not valid." : "Give your name (at most 100 characters): the audit trail records it.", StatusCodes.Status401Unauthorized);
            }

            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Principal(name, role)).ConfigureAwait(false);
            LogSignedIn(logger, name, role);
            return Results.Redirect("/");
        }).RequireRateLimiting(LoginPolicy);
        app.MapPost("/logout", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            await antiforgery.ValidateRequestAsync(http).ConfigureAwait(false);
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return Results.Redirect("/login");
        });
    }

    private static IResult LoginPage(HttpContext http, IAntiforgery antiforgery, string? error, int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Sign in · DualWrite</title><link rel="stylesheet" href="/assets/dashboard.css"></head>
            <body>
            <form class="login" method="post" action="/login">
            <h1>DualWrite dashboard</h1>
            {(error is null ? "" : $"<p id=\"login-error\" class=\"refusal\">{WebUtility.HtmlEncode(error)}</p>")}
            <input type="hidden" name="{WebUtility.HtmlEncode(tokens.FormFieldName)}" value="{WebUtility.HtmlEncode(tokens.RequestToken)}">
            <label>your name (kept in the audit trail) <input id="name" name="name" autocomplete="username" required></label>
            <label>token <input id="token" name="token" type="password" autocomplete="current-password" required></label>
            <button id="sign-in" type="submit">Sign in</button>
            </form>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    [LoggerMessage(EventId = DashboardEventIds.LoginRefused, Level = LogLevel.Warning, Message = "Dashboard login refused from {Address}")]
    private static partial void LogLoginRefused(ILogger logger, string address);

    [LoggerMessage(EventId = DashboardEventIds.SignedIn, Level = LogLevel.Information, Message = "Dashboard: {Name} signed in as {Role}")]
    private static partial void LogSignedIn(ILogger logger, string name, string role);
}
