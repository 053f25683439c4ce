using DualWrite.Core.Reconciliation;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace DualWrite.Cli.Commands;

public static partial class ReconcileFormats
{
    /// <summary>
    /// Writes the report as tables: per entity its figures, then up to 20 sample keys with their kind and differing
    /// columns (the values only with <paramref name="showValues"/>), then the repairs. Every text is printed as text,
    /// never read as markup.
    /// </summary>
    public static void WriteTable(IAnsiConsole console, ReconcileReport report, bool showValues)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        foreach (var entity in report.Entities)
        {
            console.Write(new Rule(Markup.Escape($"{entity.Entity}: {entity.Display}")).LeftJustified());
            var figures = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("figure").AddColumn("value");
            foreach (var figure in ReconcileReportText.Figures(entity))
            {
                figures.AddRow(Cell(figure.Label), figure.Label == "result" ? new Text(figure.Value, new Style(entity.Clean ? Color.Green : Color.Red)) : Cell(figure.Value));
            }

            console.Write(figures);
            if (entity.Samples.Count > 0)
            {
                var samples = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(ReconcileReportText.SamplesHeading(entity)))
                    .AddColumn("key").AddColumn("kind").AddColumn("differing columns");
                if (showValues)
                {
                    samples.AddColumn("source").AddColumn("target");
                }

                foreach (var sample in entity.Samples.Take(ReconcileReportJson.SampleLimit).Select(s => ReconcileReportText.Describe(entity, s, showValues)))
                {
                    samples.AddRow(showValues
                        ? [Cell(sample.Key), Cell(sample.Kind), Cell(sample.Columns), Cell(sample.Source), Cell(sample.Target)]
                        : new[] { Cell(sample.Key), Cell(sample.Kind), Cell(sample.Columns) });
                }

                console.Write(samples);
                if (!showValues)
                {
                    console.Write(new Text($"values {ReconcileReportText.Hidden}\n", new Style(decoration: Decoration.Dim)));
                }
            }

            if (entity.RepairSamples.Count > 0)
            {
                var repairs = new Table().Border(TableBorder.Rounded).Title(entity.DryRun ? "repairs (dry run: nothing written)" : "repairs")
                    .AddColumn("key").AddColumn("repair").AddColumn(new TableColumn("version").RightAligned());
                foreach (var repair in entity.RepairSamples.Take(ReconcileReportJson.SampleLimit))
                {
                    repairs.AddRow(Cell(repair.Key.ToString()), Cell(ReconcileReportText.Repair(repair)), Cell(ReconcileReportText.Version(repair.Version)));
                }

                console.Write(repairs);
            }
        }

        console.Write(new Text(ReconcileReportText.Verdict(report) + "\n", new Style(report.Clean ? Color.Green : Color.Red)));
    }

    private static IRenderable Cell(string text) => new Text(text);
}
