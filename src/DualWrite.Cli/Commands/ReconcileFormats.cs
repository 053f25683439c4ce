using DualWrite.Core.Reconciliation;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary>The formats of <c>dualwrite reconcile</c>'s report.</summary>
public enum ReconcileFormat
{
    /// <summary>Tables for a person at a terminal.</summary>
    Table,

    /// <summary>JSON, schema <c>dualwrite.reconcile/v1</c> (docs/reconcile.schema.json).</summary>
    Json,

    /// <summary>One self-contained HTML page: inline CSS, no script, nothing fetched.</summary>
    Html,
}

/// <summary>Renders a reconciliation report in one of its formats, and writes it to a file or a stream.</summary>
public static partial class ReconcileFormats
{
    /// <summary>How wide the table format is when it goes to a file.</summary>
    public const int FileWidth = 160;

    /// <summary>The report as text in <paramref name="format"/>; the table as plain text, <paramref name="width"/> columns wide.</summary>
    public static string Render(ReconcileReport report, ReconcileFormat format, bool showValues, int width = FileWidth)
    {
        ArgumentNullException.ThrowIfNull(report);
        switch (format)
        {
            case ReconcileFormat.Json:
                return ReconcileReportJson.Serialize(report, showValues) + "\n";
            case ReconcileFormat.Html:
                return ReconcileReportHtml.Render(report, showValues);
            default:
                var text = new StringWriter();
                var console = AnsiConsole.Create(new AnsiConsoleSettings
                {
                    Ansi = AnsiSupport.No,
                    ColorSystem = ColorSystemSupport.NoColors,
                    Interactive = InteractionSupport.No,
                    Out = new AnsiConsoleOutput(text),
                });
                console.Profile.Width = width;
                WriteTable(console, report, showValues);
                return text.ToString();
        }
    }

    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="path"/> atomically: into a temporary file beside it, then renamed
    /// over it, so a reader never sees half a report and a failed write leaves any earlier file as it was.
    /// </summary>
    /// <exception cref="IOException">The file cannot be written (nothing is left behind).</exception>
    /// <exception cref="UnauthorizedAccessException">The directory or the file is not writable.</exception>
    public static async Task WriteFileAsync(string path, string text, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllTextAsync(temporary, text, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
