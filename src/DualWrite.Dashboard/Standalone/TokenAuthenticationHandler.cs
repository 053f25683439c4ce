using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DualWrite.Dashboard.Standalone;

/// <summary><c>Authorization: Bearer &lt;token&gt;</c> for programs: the operator's or the viewer's token.</summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, DashboardTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "DualWriteToken";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var role = tokens.RoleOf(header["Bearer ".Length..].Trim());
        if (role is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("the token is not the dashboard's"));
        }

        // A program has no sign-in name: it may give one (X-DualWrite-Actor), and the audit adds which token it used.
        var caller = Request.Headers["X-DualWrite-Actor"].ToString().Trim();
        var name = $"{(caller.Length is > 0 and <= 100 ? caller : "api")} ({(role == DashboardRoles.Operator ? "operator" : "viewer")} token)";
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
