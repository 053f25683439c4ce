using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DualWrite.Dashboard.Standalone;

/// <summary>
/// The dashboard as its own web application (<c>dualwrite dashboard</c>): bound to loopback unless told otherwise,
/// signed in with a token (a cookie session after the login page; <c>Authorization: Bearer</c> for programs).
/// </summary>
public static partial class DashboardStandalone
{
    /// <summary>The address it listens on unless given one.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    private const string LoginPolicy = "dualwrite-login";

    /// <summary>Builds the application; the caller runs it (<c>RunAsync</c>) or starts it (<c>StartAsync</c>).</summary>
    /// <param name="configure">The dashboard's plan and servers.</param>
    /// <param name="tokens">The operator's and the viewer's token.</param>
    /// <param name="urls">Where to listen (default <see cref="DefaultUrl"/>).</param>
    /// <param name="loginAttemptsPerMinute">Login attempts allowed per client address and minute.</param>
    /// <param name="logging">Adds log providers (the host's defaults when null).</param>
    public static WebApplication Build(
        Action<DualWriteDashboardOptions> configure, DashboardTokens tokens, string? urls = null, int loginAttemptsPerMinute = 10, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(urls ?? DefaultUrl);
        if (logging is not null)
        {
            builder.Logging.ClearProviders();
            logging(builder.Logging);
        }

        builder.Services.AddSingleton(tokens);
        builder.Services.AddDualWriteDashboard(o =>
        {
            o.SignOutPath = "/logout";
            configure(o);
        });
        builder.Services.AddAuthentication("DualWrite")
            .AddPolicyScheme("DualWrite", "cookie or token", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? TokenAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddCookie(o =>
            {
                o.Cookie.Name = "dualwrite.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.Events.OnRedirectToLogin = context => Deny(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => Deny(context, StatusCodes.Status403Forbidden);
            });
        builder.Services.AddAuthorization();
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(LoginPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = loginAttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            SecurityHeaders.Apply(context.Response);
            await next(context).ConfigureAwait(false);
        });
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        MapLogin(app);
        app.MapDualWriteDashboard("/");
        return app;
    }

    /// <summary>Pages get the login page; the API (and any program) gets the bare status code.</summary>
    private static Task Deny(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var request = context.Request;
        if (status == StatusCodes.Status401Unauthorized && !request.Path.StartsWithSegments("/api") && HttpMethods.IsGet(request.Method))
        {
            context.Response.Redirect(context.RedirectUri);
        }
        else
        {
            context.Response.StatusCode = status;
        }

        return Task.CompletedTask;
    }

    internal static ClaimsPrincipal Principal(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], CookieAuthenticationDefaults.AuthenticationScheme));
}
