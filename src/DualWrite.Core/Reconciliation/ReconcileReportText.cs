using System.Globalization;
namespace DualWrite.Core.Reconciliation;

/// <summary>
/// What the CLI's console table, the HTML page and the dashboard say about a report, in words: one wording for both, so they show the same
/// content (the JSON form has the same facts as fields, docs/reconcile.md).
/// </summary>
public static class ReconcileReportText
{
    /// <summary>What stands in for the rows' values when they are not shown.</summary>
    public const string Hidden = "hidden (--show-values shows them)";

    /// <summary>One line of an entity's figures.</summary>
    public sealed record Figure(string Label, string Value);

    /// <summary>One sample difference, in words.</summary>
    public sealed record Sample(string Key, string Kind, string Columns, string Source, string Target);

    /// <summary>An entity's figures, in the order both formats show them.</summary>
    public static IReadOnlyList<Figure> Figures(EntityReport entity) =>
    [
        new("rows compared", $"{Count(entity.SourceRows)} in the source, {Count(entity.TargetRows)} in the target"),
        new("chunks compared", $"{Count(entity.Chunks)} ({Count(entity.ChunksResumed)} resumed from an earlier run, {Count(entity.ChunksDiffering)} differed on the first read)"),
        new("matching", Count(entity.Matching)),
        new("missing in target", Count(entity.Missing)),
        new("extra in target", Count(entity.Extra)),
        new("differing", Count(entity.Differing)),
        new("re-checked", Count(entity.Rechecked)),
        new("lagging", Count(entity.Lagging)),
        new(entity.DryRun ? "to repair (dry run)" : "repaired", Count(entity.Repaired)),
        new("duration", Duration(entity.Duration)),
        new("verified", Verified(entity)),
        new("schema fingerprint", entity.SchemaFingerprint),
        new("result", Result(entity)),
    ];

    /// <summary>"verified as of &lt;position&gt;", or why there is no such position.</summary>
    public static string Verified(EntityReport entity) => entity.VerifiedAs is { } position
        ? $"verified as of {position.Display}"
        : "not verified as of a position: the change feed did not pass the point the source was read at";

    /// <summary>"clean", or how many keys differ.</summary>
    public static string Result(EntityReport entity)
    {
        var persisting = entity.Missing + entity.Extra + entity.Differing + entity.Lagging;
        return entity.Clean ? "clean" : $"{Count(persisting)} {(persisting == 1 ? "key differs" : "keys differ")}";
    }

    /// <summary>The report's one-line verdict.</summary>
    public static string Verdict(ReconcileReport report)
    {
        var dirty = report.Entities.Count(e => !e.Clean);
        var entities = report.Entities.Count == 1 ? "1 entity" : $"{Count(report.Entities.Count)} entities";
        return dirty > 0 ? $"differences persist in {Count(dirty)} of {entities}"
            : report.Entities.Count == 1 ? "clean: 1 entity agrees" : $"clean: {entities} agree";
    }

    /// <summary>The heading of an entity's sample list.</summary>
    public static string SamplesHeading(EntityReport entity)
    {
        var persisting = entity.Missing + entity.Extra + entity.Differing + entity.Lagging;
        return entity.Samples.Count < persisting
            ? $"differences (the first {Count(entity.Samples.Count)} of {Count(persisting)})"
            : "differences";
    }

    /// <summary>A sample in words; the rows' values only when <paramref name="showValues"/>.</summary>
    public static Sample Describe(EntityReport entity, RowDifference difference, bool showValues) => new(
        difference.Key.ToString(),
        Kind(difference.Kind),
        difference.Columns.Count == 0 ? "-" : string.Join(", ", difference.Columns),
        showValues ? Row(entity, difference, difference.Source) : Hidden,
        showValues ? Row(entity, difference, difference.Target) : Hidden);

    /// <summary>How a difference's kind reads.</summary>
    public static string Kind(DifferenceKind kind) => kind switch
    {
        DifferenceKind.MissingInTarget => "missing in target",
        DifferenceKind.ExtraInTarget => "extra in target",
        DifferenceKind.ValuesDiffer => "values differ",
        DifferenceKind.TargetBehind => "target behind (lag)",
        _ => kind.ToString(),
    };

    /// <summary>How a repair reads.</summary>
    public static string Repair(RepairAction repair) => (repair.Kind, repair.Applied) switch
    {
        (RepairKind.Write, true) => "written from the source",
        (RepairKind.Write, false) => "would be written from the source",
        (RepairKind.Tombstone, true) => "tombstoned",
        (RepairKind.Tombstone, false) => "would be tombstoned",
        (RepairKind.SkippedNewer, _) => "skipped: the target holds a version at least as new",
        _ => repair.Kind.ToString(),
    };

    /// <summary>A count as both formats show it (invariant digits, grouped).</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A version, or "-" when unknown.</summary>
    public static string Version(long? version) => version?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Duration(TimeSpan duration) => duration.TotalSeconds < 60
        ? duration.TotalSeconds.ToString("0.0 's'", CultureInfo.InvariantCulture)
        : duration.ToString(duration.TotalHours < 1 ? @"m\m\ ss\s" : @"h\h\ mm\m\ ss\s", CultureInfo.InvariantCulture);

    /// <summary>
    /// A row's values: the differing columns when some are named (the version for <see cref="Reconciler.VersionColumn"/>),
    /// else every column; "no row" when the side has none.
    /// </summary>
    private static string Row(EntityReport entity, RowDifference difference, ReconcileRow? row)
    {
        if (row is null)
        {
            return "no row";
        }

        var shown = difference.Columns.Count > 0 ? difference.Columns : entity.Columns;
        var parts = new List<string>(shown.Count);
        foreach (var column in shown)
        {
            var index = IndexOf(entity.Columns, column);
            parts.Add(
                string.Equals(column, Reconciler.VersionColumn, StringComparison.Ordinal) ? $"{column}={Version(row.Version)}"
                : index >= 0 && index < row.Values.Count ? $"{column}={CanonicalEncoding.Display(row.Values[index])}"
                : $"{column}=?");
        }

        return string.Join(", ", parts);
    }

    private static int IndexOf(IReadOnlyList<string> columns, string column)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], column, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
