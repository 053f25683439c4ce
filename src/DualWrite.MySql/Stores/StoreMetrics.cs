using System.Diagnostics.Metrics;

namespace DualWrite.MySql.Stores;

/// <summary>The stores' instruments, on the meter <c>DualWrite.MySql.Stores</c>.</summary>
internal static class StoreMetrics
{
    public const string MeterName = "DualWrite.MySql.Stores";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>
    /// Guarded writes that had to go again because of a concurrent writer of the same keys, by table and reason
    /// (<c>deadlock</c>, <c>duplicate</c>, <c>conflict</c>): a measure of contention on new keys, not of errors.
    /// </summary>
    private static readonly Counter<long> GuardRetries = Meter.CreateCounter<long>(
        "dualwrite.mysql.store.guard_retries", unit: "{retry}", description: "Guarded writes redone because a concurrent writer touched the same keys.");

    public static void GuardRetried(string table, string reason) =>
        GuardRetries.Add(1, new KeyValuePair<string, object?>("table", table), new KeyValuePair<string, object?>("reason", reason));
}
