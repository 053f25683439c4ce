using System.Reflection;
using DualWrite.Core.Reconciliation;
using DualWrite.Dashboard;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

// Beside the framework's own MapXxx extensions, so a host finds it without another using.
namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the dashboard's pages, assets and JSON API under a prefix.</summary>
public static partial class DashboardEndpoints
{
    /// <summary>The header a browser's state-changing call carries its anti-forgery token in.</summary>
    public const string AntiforgeryHeader = "X-DualWrite-CSRF";

    /// <summary>
    /// Maps the dashboard under <paramref name="prefix"/> (e.g. "/dualwrite"). Every endpoint but the static assets requires
    /// <see cref="DualWriteDashboardOptions.AuthorizationPolicy"/> (the host's policy; the default policy when null);
    /// changes require an operator (<see cref="DualWriteDashboardOptions.IsOperator"/>) and, unless the request
    /// carries an Authorization header (a program's token), an anti-forgery token.
    /// </summary>
    public static RouteGroupBuilder MapDualWriteDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/dualwrite")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<DualWriteDashboardOptions>();
        var root = "/" + (prefix ?? "").Trim('/');
        var basePath = root == "/" ? "" : root;
        var group = endpoints.MapGroup(root);
        group.AddEndpointFilter(async (context, next) =>
        {
            SecurityHeaders.Apply(context.HttpContext.Response);
            return await next(context).ConfigureAwait(false);
        });

        group.MapGet("/assets/{file}", (string file) => Asset(file)).AllowAnonymous();

        var secured = group.MapGroup("");
        if (options.AuthorizationPolicy is { } policy)
        {
            secured.RequireAuthorization(policy);
        }
        else
        {
            secured.RequireAuthorization();
        }

        secured.MapGet("/", (HttpContext http, EntityStatusReader reader, ReconcileJobs jobs, IAntiforgery antiforgery, CancellationToken ct) =>
            ListPageAsync(http, basePath, reader, jobs, antiforgery, ct));
        secured.MapGet("/entities/{name}", (string name, HttpContext http, EntityStatusReader reader, ReconcileJobs jobs, IAntiforgery antiforgery, CancellationToken ct) =>
            EntityPageAsync(name, http, basePath, reader, jobs, antiforgery, options, panelOnly: false, ct));
        secured.MapGet("/entities/{name}/panel", (string name, HttpContext http, EntityStatusReader reader, ReconcileJobs jobs, IAntiforgery antiforgery, CancellationToken ct) =>
            EntityPageAsync(name, http, basePath, reader, jobs, antiforgery, options, panelOnly: true, ct));
        secured.MapGet("/panel", (HttpContext http, EntityStatusReader reader, ReconcileJobs jobs, CancellationToken ct) => ListPanelAsync(basePath, reader, jobs, ct));
        secured.MapGet("/entities/{name}/report", (string name, HttpContext http, EntityStatusReader reader, CancellationToken ct) => ReportAsync(name, http, reader, ct));

        var api = secured.MapGroup("/api");
        api.MapGet("/entities", async (EntityStatusReader reader, ReconcileJobs jobs, CancellationToken ct) =>
            Results.Json(await reader.ListAsync(jobs, ct).ConfigureAwait(false), Json));
        api.MapGet("/entities/{name}", async (string name, EntityStatusReader reader, ReconcileJobs jobs, CancellationToken ct) =>
            reader.Find(name) is { } entity ? Results.Json(await reader.DetailAsync(entity, jobs, ct).ConfigureAwait(false), Json) : UnknownEntity(reader, name));

        var changes = api.MapGroup("/entities/{name}");
        changes.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            // A program's call carries its credential in the Authorization header and sends no cookie but, at most, the
            // anti-forgery cookie a page it read handed out (which proves nothing by itself). Any call that sends another
            // cookie may be a browser's, where that cookie could be an ambient session: it must prove it comes from the
            // dashboard's own page, whatever other header it carries.
            var antiforgeryCookie = http.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.Name;
            var program = http.Request.Headers.ContainsKey("Authorization")
                && http.Request.Cookies.Keys.All(name => string.Equals(name, antiforgeryCookie, StringComparison.Ordinal));
            if (!program)
            {
                try
                {
                    await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http).ConfigureAwait(false);
                }
                catch (AntiforgeryValidationException)
                {
                    return Results.Json(new { error = "the anti-forgery token is missing or invalid: reload the page" }, Json, statusCode: StatusCodes.Status400BadRequest);
                }
            }

            return options.IsOperator(http.User)
                ? await next(context).ConfigureAwait(false)
                : Results.Json(new { error = "only operators change phases or start reconciliations" }, Json, statusCode: StatusCodes.Status403Forbidden);
        });
        changes.MapPost("/advance", (string name, HttpContext http, EntityStatusReader reader, CancellationToken ct) => ChangeAsync(name, "advance", http, reader, ct));
        changes.MapPost("/step-back", (string name, HttpContext http, EntityStatusReader reader, CancellationToken ct) => ChangeAsync(name, "step-back", http, reader, ct));
        changes.MapPost("/rollback", (string name, HttpContext http, EntityStatusReader reader, CancellationToken ct) => ChangeAsync(name, "rollback", http, reader, ct));
        changes.MapPost("/reconcile", (string name, HttpContext http, EntityStatusReader reader, ReconcileJobs jobs, CancellationToken ct) => ReconcileAsync(name, http, reader, jobs, ct));
        return group;
    }

    private static IResult Asset(string file)
    {
        var type = Path.GetExtension(file) switch
        {
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".png" => "image/png",
            _ => null,
        };
        var stream = type is null ? null : typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("DualWrite.Dashboard.Assets." + file);
        return stream is null ? Results.NotFound() : Results.Stream(stream, type);
    }

    private static async Task<IResult> ReportAsync(string name, HttpContext http, EntityStatusReader reader, CancellationToken ct)
    {
        if (reader.Find(name) is null)
        {
            return UnknownEntity(reader, name);
        }

        var report = await reader.LastReportAsync(name, ct).ConfigureAwait(false);
        if (report is null)
        {
            return Results.NotFound(new { error = $"'{name}' has no finished reconciliation" });
        }

        SecurityHeaders.Apply(http.Response, SecurityHeaders.ReportPolicy);
        return Results.Content(ReconcileReportHtml.Render(report, showValues: false), "text/html; charset=utf-8");
    }

    private static IResult UnknownEntity(EntityStatusReader reader, string name) =>
        Results.Json(new { error = $"the plan has no entity '{name}'; it has {string.Join(", ", reader.Plan.Entities.Select(e => e.Plan.Name))}" }, Json, statusCode: StatusCodes.Status404NotFound);

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
