using DualWrite.Core.Reconciliation;

namespace DualWrite.Testing;

/// <summary>
/// Synthetic reconciliation reports for the tests of the report's formats: one clean entity, and one with a
/// difference of every kind whose values hold text that HTML, Spectre markup and JSON must escape.
/// </summary>
public static class ReconcileReports
{
    /// <summary>A note value with everything that must be escaped somewhere.</summary>
    public const string HostileNote = "<script>alert('x')</script> & \"[red]boom[/]\"";

    public static readonly DateTimeOffset Started = new(2026, 12, 2, 5, 55, 21, 123, TimeSpan.Zero);

    /// <summary>The compared columns of the synthetic orders entity.</summary>
    public static readonly string[] OrderColumns = ["id", "customer", "total", "note", "placed_at", "payload"];

    public static EntityReport CleanCustomers() => new()
    {
        Entity = "customers",
        Display = "shop.customers → public.customers",
        Columns = ["id", "name"],
        StartedAt = Started,
        FinishedAt = Started.AddSeconds(3),
        Duration = TimeSpan.FromMilliseconds(2_950),
        SourceRows = 12_000,
        TargetRows = 12_000,
        Chunks = 12,
        ChunksResumed = 4,
        Matching = 12_000,
        VerifiedAs = new FeedPosition("binlog.000004:1183", (4L << 32) | 1183),
        SchemaFingerprint = "c0ffee01",
    };

    public static EntityReport OrdersWithDifferences(bool dryRun = false)
    {
        var missing = Row(7, "alice", 12.50m, "first", Placed, [0x00, 0xFF]);
        var source = Row(8, "bob", 3m, "gift", Placed, null);
        var target = Row(8, "bob", 3m, HostileNote, Placed, null);
        var extra = Row(9, "mallory", 0m, null, Placed, [0x01]);
        var behind = Row(10, "carol", 1.5m, "new", Placed, null);
        var old = Row(10, "carol", 1.5m, "old", Placed, null);
        return new EntityReport
        {
            Entity = "orders",
            Display = "shop.orders → public.orders",
            Columns = OrderColumns,
            StartedAt = Started,
            FinishedAt = Started.AddMinutes(2),
            Duration = TimeSpan.FromSeconds(118.5),
            SourceRows = 40_002,
            TargetRows = 40_002,
            Chunks = 41,
            ChunksDiffering = 3,
            Matching = 39_999,
            Missing = 1,
            Extra = 1,
            Differing = 1,
            Lagging = 1,
            Rechecked = 9,
            Repaired = 3,
            DryRun = dryRun,
            VerifiedAs = null,
            SchemaFingerprint = "0ddba11",
            Samples =
            [
                new RowDifference(missing.Key, DifferenceKind.MissingInTarget, [], 101, null, missing, null),
                new RowDifference(source.Key, DifferenceKind.ValuesDiffer, ["note"], 102, 102, source, target),
                new RowDifference(extra.Key, DifferenceKind.ExtraInTarget, [], null, 99, null, extra),
                new RowDifference(behind.Key, DifferenceKind.TargetBehind, ["note"], 205, 104, behind, old),
            ],
            RepairSamples =
            [
                new RepairAction(missing.Key, RepairKind.Write, 101, !dryRun),
                new RepairAction(source.Key, RepairKind.Write, 102, !dryRun),
                new RepairAction(extra.Key, RepairKind.Tombstone, 100, !dryRun),
                new RepairAction(behind.Key, RepairKind.SkippedNewer, 205, false),
            ],
        };
    }

    /// <summary>A plan's report over <paramref name="entities"/>.</summary>
    public static ReconcileReport Of(params EntityReport[] entities) => new("shop", entities, Started.AddMinutes(3));

    private static readonly DateTime Placed = new(2026, 11, 30, 8, 15, 0, 250);

    private static ReconcileRow Row(long id, string customer, decimal total, string? note, DateTime placed, byte[]? payload) =>
        new(new RowKey([id]), null, [id, customer, total, note, placed, payload]);
}
