using System.Text.Json.Nodes;

namespace DualWrite.Samples.Orders.Domain;

/// <summary>An order as the application sees it: the payload of one row of <c>orders</c> (the key is separate).</summary>
/// <param name="Status">The ENUM column <c>status</c>.</param>
/// <param name="Total">The DECIMAL(12,2) column <c>total</c>.</param>
/// <param name="PlacedAt">The DATETIME(6) column <c>placed_at</c>, in UTC.</param>
/// <param name="Details">The JSON column <c>details</c> (line items), or null. The new store's jsonb keeps the document, not its spelling, so orders compare it as JSON.</param>
/// <param name="Receipt">The BLOB column <c>receipt</c> (a signed receipt once paid), or null.</param>
public sealed record Order(OrderStatus Status, decimal Total, DateTime PlacedAt, string? Details, byte[]? Receipt)
{
    /// <summary>
    /// Compares orders by content. Records compare arrays by reference, so the dual-write decorator's shadow reads
    /// need this to see two receipts with the same bytes as equal; and the details
    /// compare as JSON documents (PostgreSQL's jsonb reorders keys and respaces what MySQL keeps as written).
    /// </summary>
    public static IEqualityComparer<Order> ContentComparer { get; } = new ByContent();

    private sealed class ByContent : IEqualityComparer<Order>
    {
        public bool Equals(Order? x, Order? y) =>
            ReferenceEquals(x, y)
            || (x is not null && y is not null
                && x.Status == y.Status
                && x.Total == y.Total
                && x.PlacedAt == y.PlacedAt
                && SameJson(x.Details, y.Details)
                && (x.Receipt is null ? y.Receipt is null : y.Receipt is not null && x.Receipt.AsSpan().SequenceEqual(y.Receipt)));

        public int GetHashCode(Order obj) => HashCode.Combine(obj.Status, obj.Total, obj.PlacedAt, obj.Details is null, obj.Receipt?.Length);

        private static bool SameJson(string? x, string? y) =>
            x is null ? y is null
            : y is not null && (string.Equals(x, y, StringComparison.Ordinal) || JsonNode.DeepEquals(JsonNode.Parse(x), JsonNode.Parse(y)));
    }
}
