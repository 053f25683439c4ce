using System.Globalization;
using System.Net;
using System.Text;
namespace DualWrite.Core.Reconciliation;

/// <summary>A reconciliation report as one self-contained HTML page (<c>dualwrite reconcile --format html</c>, the dashboard's full report).</summary>
public static class ReconcileReportHtml
{
    private const string Css = """
        body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #1d2125; }
        h1 { font-size: 1.5em; margin-bottom: .2em; }
        h2 { font-size: 1.2em; margin: 1.6em 0 .4em; border-bottom: 1px solid #d0d7de; padding-bottom: .2em; }
        h2 small { font-weight: normal; color: #57606a; }
        h3 { font-size: 1em; margin: 1em 0 .3em; }
        table { border-collapse: collapse; margin: .3em 0 .8em; }
        th, td { border: 1px solid #d0d7de; padding: .25em .6em; text-align: left; vertical-align: top; }
        th { background: #f6f8fa; }
        table.figures th { font-weight: normal; color: #57606a; }
        td.key, td.values { font-family: ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; }
        .clean { color: #1a7f37; font-weight: bold; }
        .dirty { color: #cf222e; font-weight: bold; }
        .note { color: #57606a; }
        """;

    /// <summary>
    /// The report as one self-contained HTML page with the table format's content: inline CSS, no script, nothing
    /// fetched (its content security policy forbids both), every text HTML-escaped.
    /// </summary>
    public static string Render(ReconcileReport report, bool showValues)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
            .Append("<title>Reconciliation of ").Append(E(report.Plan)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n")
            .Append("<h1>Reconciliation of ").Append(E(report.Plan)).Append("</h1>\n")
            .Append("<p class=\"").Append(report.Clean ? "clean" : "dirty").Append("\">").Append(E(ReconcileReportText.Verdict(report))).Append("</p>\n")
            .Append("<p class=\"note\">generated at ").Append(E(report.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)))
            .Append(showValues ? "" : "; row values " + E(ReconcileReportText.Hidden)).Append("</p>\n");
        foreach (var entity in report.Entities)
        {
            html.Append("<section>\n<h2>").Append(E(entity.Entity)).Append(" <small>").Append(E(entity.Display)).Append("</small></h2>\n<table class=\"figures\">\n");
            foreach (var figure in ReconcileReportText.Figures(entity))
            {
                var result = figure.Label == "result" ? $" class=\"{(entity.Clean ? "clean" : "dirty")}\"" : "";
                html.Append("<tr><th>").Append(E(figure.Label)).Append("</th><td").Append(result).Append('>').Append(E(figure.Value)).Append("</td></tr>\n");
            }

            html.Append("</table>\n");
            if (entity.Samples.Count > 0)
            {
                html.Append("<h3>").Append(E(ReconcileReportText.SamplesHeading(entity))).Append("</h3>\n<table class=\"samples\">\n<tr><th>key</th><th>kind</th><th>differing columns</th>")
                    .Append(showValues ? "<th>source</th><th>target</th>" : "").Append("</tr>\n");
                foreach (var sample in entity.Samples.Take(ReconcileReportJson.SampleLimit).Select(s => ReconcileReportText.Describe(entity, s, showValues)))
                {
                    html.Append("<tr><td class=\"key\">").Append(E(sample.Key)).Append("</td><td>").Append(E(sample.Kind)).Append("</td><td>").Append(E(sample.Columns)).Append("</td>");
                    if (showValues)
                    {
                        html.Append("<td class=\"values\">").Append(E(sample.Source)).Append("</td><td class=\"values\">").Append(E(sample.Target)).Append("</td>");
                    }

                    html.Append("</tr>\n");
                }

                html.Append("</table>\n");
            }

            if (entity.RepairSamples.Count > 0)
            {
                html.Append("<h3>").Append(entity.DryRun ? "repairs (dry run: nothing written)" : "repairs").Append("</h3>\n<table class=\"repairs\">\n<tr><th>key</th><th>repair</th><th>version</th></tr>\n");
                foreach (var repair in entity.RepairSamples.Take(ReconcileReportJson.SampleLimit))
                {
                    html.Append("<tr><td class=\"key\">").Append(E(repair.Key.ToString())).Append("</td><td>").Append(E(ReconcileReportText.Repair(repair)))
                        .Append("</td><td>").Append(E(ReconcileReportText.Version(repair.Version))).Append("</td></tr>\n");
                }

                html.Append("</table>\n");
            }

            html.Append("</section>\n");
        }

        return html.Append("</body>\n</html>\n").ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
