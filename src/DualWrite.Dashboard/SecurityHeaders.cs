using Microsoft.AspNetCore.Http;

namespace DualWrite.Dashboard;

/// <summary>The headers every dashboard response carries: no inline script anywhere, no framing, no sniffing, no referrer.</summary>
public static class SecurityHeaders
{
    /// <summary>The dashboard pages' policy: scripts and styles from the dashboard only.</summary>
    public const string PagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>The full reconciliation report's policy: its CSS is inline (it is a self-contained page), and it has no script.</summary>
    public const string ReportPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Sets the headers on <paramref name="response"/> with the content security policy <paramref name="policy"/>.</summary>
    public static void Apply(HttpResponse response, string policy = PagePolicy)
    {
        ArgumentNullException.ThrowIfNull(response);
        var headers = response.Headers;
        headers.ContentSecurityPolicy = policy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }
}
