using DualWrite.Cli;
using DualWrite.Cli.Commands;
using DualWrite.Core.Reconciliation;
using DualWrite.Testing;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;

namespace DualWrite.Cli.Tests;

/// <summary><c>dualwrite reconcile</c>'s report formats on synthetic reports, and its argument errors.</summary>
public sealed partial class CliTests
{
    private static ReconcileReport MixedReport(bool dryRun = false) =>
        ReconcileReports.Of(ReconcileReports.CleanCustomers(), ReconcileReports.OrdersWithDifferences(dryRun));

    [Fact]
    public void ReconcileTable_ShowsFiguresSampleKeysKindsAndColumns_WithValuesHidden()
    {
        var text = ReconcileFormats.Render(MixedReport(), ReconcileFormat.Table, showValues: false);

        text.Should().Contain("customers: shop.customers → public.customers").And.Contain("orders: shop.orders → public.orders");
        text.Should().Contain("12,000 in the source, 12,000 in the target").And.Contain("12 (4 resumed from an earlier run, 0 differed on the first read)");
        text.Should().Contain("verified as of binlog.000004:1183").And.Contain("not verified as of a position");
        Line(text, "│ missing in target", last: true).Should().Contain(" 1 ");
        Line(text, "│ re-checked", last: true).Should().Contain(" 9 ");
        Line(text, "│ lagging", last: true).Should().Contain(" 1 ");
        Line(text, "│ repaired", last: true).Should().Contain(" 3 ");
        Line(text, "│ duration", last: true).Should().Contain("1m 58s");
        text.Should().Contain("4 keys differ").And.Contain("differences persist in 1 of 2 entities");
        Line(text, "│ 8 ").Should().Contain("values differ").And.Contain("note");
        Line(text, "│ 7 ").Should().Contain("missing in target");
        Line(text, "│ 9 ").Should().Contain("extra in target");
        Line(text, "│ 10 ").Should().Contain("target behind");
        text.Should().Contain("values hidden (--show-values shows them)");
        text.Should().NotContain("alice").And.NotContain("gift").And.NotContain("script");
    }

    [Fact]
    public void ReconcileTable_WithValues_ShowsTheDifferingColumnsValues_AsPlainText()
    {
        var text = ReconcileFormats.Render(MixedReport(), ReconcileFormat.Table, showValues: true, width: 400);

        Line(text, "│ 8 ").Should().Contain("note='gift'").And.Contain("note='<script>alert(''x'')</script> & \"[red]boom[/]\"'");
        Line(text, "│ 7 ").Should().Contain("id=7, customer='alice', total=12.50, note='first', placed_at=2026-11-30 08:15:00.25, payload=0x00FF").And.Contain("no row");
        Line(text, "│ 9 ").Should().Contain("no row").And.Contain("note=NULL");
    }

    [Fact]
    public void ReconcileTable_DryRun_SaysNothingWasWritten()
    {
        var text = ReconcileFormats.Render(MixedReport(dryRun: true), ReconcileFormat.Table, showValues: false);

        text.Should().Contain("repairs (dry run: nothing written)").And.Contain("to repair (dry run)");
        Line(text, "│ 9 ", last: true).Should().Contain("would be tombstoned");
        Line(text, "│ 10 ", last: true).Should().Contain("skipped: the target holds a version at least as new");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReconcileJson_IsTheSchemasReport_AndReadsBack(bool showValues)
    {
        var json = ReconcileFormats.Render(MixedReport(), ReconcileFormat.Json, showValues);

        ReconcileReportSchema.Problems(json).Should().BeEmpty();
        ReconcileReportJson.Serialize(ReconcileReportJson.Parse(json), showValues).Should().Be(json.TrimEnd('\n'));
        json.Contains("alice", StringComparison.Ordinal).Should().Be(showValues);
    }

    [Fact]
    public void ReconcileHtml_IsOneSelfContainedPage_WithEverythingEscaped()
    {
        var html = ReconcileFormats.Render(MixedReport(), ReconcileFormat.Html, showValues: true);

        html.Should().StartWith("<!DOCTYPE html>").And.Contain("<style>").And.EndWith("</html>\n");
        html.Should().Contain("default-src 'none'; style-src 'unsafe-inline'");
        html.Should().NotContainAny("<script", "<link", "src=", "href=", "url(", "http://", "https://", "@import");
        html.Should().Contain("note=&#39;&lt;script&gt;alert(&#39;&#39;x&#39;&#39;)&lt;/script&gt; &amp; &quot;[red]boom[/]&quot;&#39;");
        html.Should().Contain("shop.orders → public.orders").And.Contain("verified as of binlog.000004:1183").And.Contain("differences persist in 1 of 2 entities");
        html.Should().Contain("<td class=\"key\">10</td><td>target behind (lag)</td><td>note</td>");
        html.Should().Contain("<tr><th>chunks compared</th><td>41 (0 resumed from an earlier run, 3 differed on the first read)</td></tr>");
    }

    [Fact]
    public void ReconcileHtml_WithoutValues_HasKeysButNoValue()
    {
        var html = ReconcileFormats.Render(MixedReport(), ReconcileFormat.Html, showValues: false);

        html.Should().Contain("<td class=\"key\">8</td><td>values differ</td><td>note</td></tr>").And.Contain("row values hidden (--show-values shows them)");
        html.Should().NotContain("alice").And.NotContain("gift").And.NotContain("script").And.NotContain("<th>source</th>");
    }

    [Fact]
    public async Task ReconcileOutput_IsWrittenAtomically_OverAnEarlierReport()
    {
        var directory = Directory.CreateTempSubdirectory("reconcile-out-");
        try
        {
            var file = Path.Combine(directory.FullName, "report.json");
            await File.WriteAllTextAsync(file, "an earlier report");

            await ReconcileFormats.WriteFileAsync(file, "{\"new\": true}", CancellationToken.None);

            (await File.ReadAllTextAsync(file)).Should().Be("{\"new\": true}");
            directory.GetFiles().Select(f => f.Name).Should().Equal("report.json");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Reconcile_DryRunWithoutRepair_IsAnArgumentError_BeforeThePlanIsRead()
    {
        var (console, output) = Capture();

        var exit = await ReconcileCommand.RunAsync(new("/nonexistent/plan.yaml") { DryRun = true }, _ => null, console, TextWriter.Null, CancellationToken.None);

        exit.Should().Be(ExitCodes.InvalidArguments);
        output.ToString().Should().Contain("--dry-run lists what --repair would write").And.NotContain("plan file");
        (await Program.Main(["reconcile", "--plan", "/nonexistent/plan.yaml", "--dry-run"])).Should().Be(ExitCodes.InvalidArguments);
    }

    [Fact]
    public async Task Reconcile_OutputInAMissingDirectory_IsAnArgumentError()
    {
        var (console, output) = Capture();

        var exit = await ReconcileCommand.RunAsync(new("/nonexistent/plan.yaml") { Output = "/nonexistent/dir/report.json" }, _ => null, console, TextWriter.Null, CancellationToken.None);

        exit.Should().Be(ExitCodes.InvalidArguments);
        output.ToString().Should().Contain("the directory /nonexistent/dir does not exist");
    }

    [Theory]
    [InlineData("reconcile")]
    [InlineData("reconcile", "--plan", "p.yaml", "--format", "xml")]
    [InlineData("reconcile", "--plan", "p.yaml", "--fresh", "extra")]
    public async Task Reconcile_BadCommandLine_ExitsWithInvalidArguments(params string[] args) =>
        (await Program.Main(args)).Should().Be(ExitCodes.InvalidArguments);

    [Fact]
    public async Task Reconcile_MissingPlanFile_ExitsWithInvalidArguments()
    {
        var (console, output) = Capture();

        var exit = await ReconcileCommand.RunAsync(new("/nonexistent/plan.yaml"), Environment.GetEnvironmentVariable, console, TextWriter.Null, CancellationToken.None);

        exit.Should().Be(ExitCodes.InvalidArguments);
        output.ToString().Should().Contain("cannot read the plan file /nonexistent/plan.yaml");
    }

    [Fact]
    public async Task ReconcileProgress_OffATerminal_PrintsOneLinePerEntityAtMostEverySecond()
    {
        var (console, output) = Capture();
        var time = new FakeTimeProvider();

        var result = await ReconcileProgressView.RunAsync(console, [new("items", 5_000), new("notes", 0)], time, progress =>
        {
            progress.Report(new ReconcileProgress("items", 1_000, 1, 0));
            progress.Report(new ReconcileProgress("notes", 10, 1, 0));
            time.Advance(TimeSpan.FromMilliseconds(600));
            progress.Report(new ReconcileProgress("items", 2_000, 2, 1));
            time.Advance(TimeSpan.FromMilliseconds(400));
            progress.Report(new ReconcileProgress("items", 3_000, 3, 1));
            return Task.FromResult(42);
        });

        result.Should().Be(42);
        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            "reconcile items: 1,000 of about 5,000 rows, chunks 1, differences 0",
            "reconcile notes: 10 rows, chunks 1, differences 0",
            "reconcile items: 3,000 of about 5,000 rows, chunks 3, differences 1");
    }

    [Fact]
    public async Task ReconcileProgress_OnATerminal_DrawsABarPerEntity()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 120;

        await ReconcileProgressView.RunAsync(console, [new("items", 4_000)], new FakeTimeProvider(), progress =>
        {
            progress.Report(new ReconcileProgress("items", 4_000, 4, 2));
            return Task.FromResult(0);
        });

        output.ToString().Should().Contain("items: 4,000 rows, chunks 4, differences 2").And.Contain("100%").And.Contain("━");
    }

    /// <summary>The first (or last) table row of <paramref name="text"/> that starts with <paramref name="marker"/>.</summary>
    private static string Line(string text, string marker, bool last = false)
    {
        var lines = text.Split('\n').Where(l => l.TrimStart().StartsWith(marker, StringComparison.Ordinal)).ToList();
        lines.Should().NotBeEmpty($"a row starts with '{marker}' in:\n{text}");
        return last ? lines[^1] : lines[0];
    }
}
