using System.Globalization;
using System.Net;
using System.Text;
using DualWrite.Dashboard;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

public static partial class DashboardEndpoints
{
    private static async Task<IResult> ListPageAsync(HttpContext http, string basePath, EntityStatusReader reader, ReconcileJobs jobs, IAntiforgery antiforgery, CancellationToken ct)
    {
        var panel = ListPanel(basePath, await reader.ListAsync(jobs, ct).ConfigureAwait(false));
        return Page(http, basePath, antiforgery, $"DualWrite · {reader.Plan.Plan.Name}", $"{basePath}/panel", panel, http.RequestServices.GetRequiredService<DualWriteDashboardOptions>().SignOutPath);
    }

    private static async Task<IResult> ListPanelAsync(string basePath, EntityStatusReader reader, ReconcileJobs jobs, CancellationToken ct) =>
        Results.Content(ListPanel(basePath, await reader.ListAsync(jobs, ct).ConfigureAwait(false)), "text/html; charset=utf-8");

    private static async Task<IResult> EntityPageAsync(
        string name, HttpContext http, string basePath, EntityStatusReader reader, ReconcileJobs jobs, IAntiforgery antiforgery, DualWriteDashboardOptions options, bool panelOnly, CancellationToken ct)
    {
        if (reader.Find(name) is not { } entity)
        {
            return UnknownEntity(reader, name);
        }

        var status = await reader.DetailAsync(entity, jobs, ct).ConfigureAwait(false);
        var panel = EntityPanel(basePath, status, options.IsOperator(http.User));
        return panelOnly
            ? Results.Content(panel, "text/html; charset=utf-8")
            : Page(http, basePath, antiforgery, $"{name} · DualWrite", $"{basePath}/entities/{Uri.EscapeDataString(name)}/panel", panel, options.SignOutPath, name);
    }

    private static IResult Page(HttpContext http, string basePath, IAntiforgery antiforgery, string title, string panelUrl, string panel, string? signOut, string? entity = null)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var user = http.User.Identity?.Name ?? "";
        var html = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(title)).Append("</title>\n")
            .Append("<meta name=\"dualwrite-csrf\" content=\"").Append(E(tokens.RequestToken ?? "")).Append("\">\n")
            .Append("<link rel=\"stylesheet\" href=\"").Append(basePath).Append("/assets/dashboard.css\">\n")
            .Append("<script src=\"").Append(basePath).Append("/assets/dashboard.js\" defer></script>\n</head>\n<body>\n")
            .Append("<header><a class=\"home\" href=\"").Append(basePath).Append("/\">DualWrite</a>")
            .Append(entity is null ? "" : " / " + E(entity))
            .Append("<span class=\"user\">signed in as <b id=\"user\">").Append(E(user)).Append("</b>")
            .Append(signOut is null ? "" : $" <form class=\"sign-out\" method=\"post\" action=\"{E(signOut)}\"><input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken ?? "")}\"><button id=\"sign-out\" type=\"submit\">sign out</button></form>")
            .Append("</span></header>\n")
            .Append("<p id=\"message\" role=\"status\" hidden></p>\n")
            .Append("<main id=\"panel\" data-panel=\"").Append(E(panelUrl)).Append("\" data-poll=\"").Append(E(basePath)).Append("/api/entities\" data-poll-ms=\"").Append(((int)DualWrite.Dashboard.DashboardPolling.Interval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\" data-base=\"").Append(E(basePath)).Append("\">\n")
            .Append(panel).Append("</main>\n</body>\n</html>\n");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private static string ListPanel(string basePath, IReadOnlyList<EntityStatus> entities)
    {
        var html = new StringBuilder("<h1>Entities</h1>\n<table id=\"entities\">\n<tr><th>entity</th><th>tables</th><th>phase</th><th>revision</th><th>last change</th><th>CDC lag</th><th>reconcile</th></tr>\n");
        foreach (var e in entities)
        {
            html.Append("<tr data-entity=\"").Append(E(e.Entity)).Append("\"><td><a href=\"").Append(basePath).Append("/entities/").Append(Uri.EscapeDataString(e.Entity)).Append("\">")
                .Append(E(e.Entity)).Append("</a></td><td>").Append(E(e.Tables)).Append("</td><td class=\"phase\">").Append(E(e.Phase ?? "-")).Append("</td><td>")
                .Append(e.Revision.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
                .Append(e.UpdatedAt is { } at ? $"{E(Time(at))} by {E(e.UpdatedBy ?? "")}" : E(e.Problem ?? "-")).Append("</td><td>").Append(E(Lag(e))).Append("</td><td>")
                .Append(E(e.ReconcileJob is { } job ? Job(job) : "-")).Append("</td></tr>\n");
        }

        return html.Append("</table>\n").ToString();
    }

    private static string EntityPanel(string basePath, EntityStatus e, bool canOperate)
    {
        var name = Uri.EscapeDataString(e.Entity);
        var html = new StringBuilder();
        html.Append("<h1>").Append(E(e.Entity)).Append(" <small>").Append(E(e.Tables)).Append("</small></h1>\n");
        if (e.Problem is { } problem)
        {
            html.Append("<p class=\"problem\">").Append(E(problem)).Append("</p>\n");
        }

        html.Append("<section class=\"summary\"><p>phase <b id=\"phase\" data-revision=\"").Append(e.Revision.ToString(CultureInfo.InvariantCulture)).Append("\">").Append(E(e.Phase ?? "-")).Append("</b>");
        if (e.LastMove is { } move)
        {
            html.Append(" — moved by <b>").Append(E(move.Actor)).Append("</b> at ").Append(E(Time(move.At))).Append(" (").Append(E(move.Kind)).Append(" from ").Append(E(move.From ?? "-"))
                .Append("): <q>").Append(E(move.Reason)).Append("</q>");
        }

        html.Append("</p>\n<p>CDC lag: <span id=\"lag\">").Append(E(Lag(e))).Append("</span></p>\n");
        if (e.RepairLogs is { } logs)
        {
            html.Append("<p>repair log: ").Append(E(logs.Count == 0 ? "none configured" : string.Join("; ", logs.Select(l => $"{l.Log}: {(l.Pending is { } n ? $"{n} pending" : l.Note)}")))).Append("</p>\n");
        }

        html.Append("</section>\n");
        if (e.Gates is { } gates)
        {
            html.Append("<section><h2>Gates for the next move").Append(e.Next is { } next ? $" ({E(e.Phase ?? "")} → {E(next)})" : " (none: this is the last phase)").Append("</h2>\n<table id=\"gates\">\n<tr><th>gate</th><th>result</th><th>why</th></tr>\n");
            foreach (var gate in gates)
            {
                html.Append("<tr class=\"").Append(gate.Passed ? "pass" : "fail").Append("\"><td>").Append(E(gate.Gate)).Append("</td><td>").Append(gate.Passed ? "pass" : "FAIL").Append("</td><td>").Append(E(gate.Reason)).Append("</td></tr>\n");
            }

            html.Append("</table>\n");
            if (e.AdvanceRefusal is { } refusal)
            {
                html.Append("<p class=\"refusal\">An advance now would be refused: ").Append(E(refusal)).Append(".</p>\n");
            }

            html.Append("</section>\n");
        }

        if (canOperate && e.Phase is not null && e.Problem is null)
        {
            html.Append("<section id=\"actions\"><h2>Actions</h2>\n<p><label>reason <input id=\"reason\" name=\"reason\" size=\"60\" autocomplete=\"off\" placeholder=\"why (kept in the audit trail)\"></label></p>\n<p>");
            if (e.Next is { } next)
            {
                html.Append("<button id=\"advance\" data-action=\"").Append(basePath).Append("/api/entities/").Append(name).Append("/advance\">Advance to ").Append(E(next)).Append("</button> ");
            }

            if (e.Earlier.Count > 0)
            {
                html.Append("<button id=\"step-back\" data-confirm=\"step back to ").Append(E(e.Earlier[^1])).Append("\" data-action=\"").Append(basePath).Append("/api/entities/").Append(name).Append("/step-back\">Step back to ").Append(E(e.Earlier[^1])).Append("</button> ")
                    .Append("<select id=\"rollback-to\">");
                foreach (var phase in e.Earlier)
                {
                    html.Append("<option>").Append(E(phase)).Append("</option>");
                }

                html.Append("</select> <button id=\"rollback\" data-confirm=\"roll back\" data-to=\"rollback-to\" data-action=\"").Append(basePath).Append("/api/entities/").Append(name).Append("/rollback\">Roll back</button> ");
            }

            html.Append("<button id=\"reconcile\" data-action=\"").Append(basePath).Append("/api/entities/").Append(name).Append("/reconcile\" data-optional-reason=\"1\"")
                .Append(e.ReconcileJob?.State == "running" ? " disabled" : "").Append(">Run a reconciliation</button></p>\n</section>\n");
        }

        html.Append("<section><h2>Reconciliation</h2>\n");
        if (e.ReconcileJob is { } job)
        {
            html.Append("<p id=\"reconcile-job\" class=\"job-").Append(E(job.State)).Append("\">").Append(E(Job(job))).Append("</p>\n");
        }

        if (e.LastReconcile is { } last)
        {
            html.Append("<p id=\"last-reconcile\" class=\"").Append(last.Clean ? "clean" : "dirty").Append("\">last run ").Append(last.RunId.ToString(CultureInfo.InvariantCulture))
                .Append(", finished ").Append(E(Time(last.FinishedAt))).Append(": ").Append(last.Clean ? "clean" : $"{last.Differences} differences")
                .Append(" — <a href=\"").Append(basePath).Append("/entities/").Append(name).Append("/report\">full report</a></p>\n<table class=\"figures\">\n");
            foreach (var figure in last.Figures)
            {
                html.Append("<tr><th>").Append(E(figure.Label)).Append("</th><td>").Append(E(figure.Value)).Append("</td></tr>\n");
            }

            html.Append("</table>\n");
        }
        else
        {
            html.Append("<p id=\"last-reconcile\">never reconciled to the end</p>\n");
        }

        html.Append("</section>\n");
        if (e.History is { } history)
        {
            html.Append("<section><h2>History</h2>\n<table id=\"history\">\n<tr><th>#</th><th>at (UTC)</th><th>kind</th><th>from</th><th>to</th><th>outcome</th><th>by</th><th>reason</th><th>gates</th></tr>\n");
            foreach (var row in history)
            {
                html.Append("<tr><td>").Append(row.Id.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(E(Time(row.At))).Append("</td><td>").Append(E(row.Kind)).Append("</td><td>")
                    .Append(E(row.From ?? "-")).Append("</td><td>").Append(E(row.To)).Append("</td><td>").Append(E(row.Outcome)).Append("</td><td class=\"actor\">").Append(E(row.Actor)).Append("</td><td class=\"reason\">")
                    .Append(E(row.Reason)).Append("</td><td>").Append(E(row.Gates.Count == 0 ? "-" : string.Join("; ", row.Gates.Select(g => $"{g.Gate}: {(g.Passed ? "pass" : "FAIL")}")))).Append("</td></tr>\n");
            }

            html.Append("</table>\n</section>\n");
        }

        return html.ToString();
    }

    private static string Lag(EntityStatus e) => e.CdcLagMs is { } ms
        ? $"{ms.ToString(CultureInfo.InvariantCulture)} ms (measured {Time(e.CdcLagMeasuredAt!.Value)})"
        : "not published (no catch-up running)";

    private static string Job(ReconcileJobView job) => job.State == "running"
        ? $"reconciliation running (started by {job.StartedBy}): {job.Rows:N0} rows, {job.Chunks:N0} chunks, {job.Differences:N0} differences so far"
        : $"reconciliation {job.State} (started by {job.StartedBy}): {job.Result}";

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
