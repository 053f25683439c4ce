using DualWrite.Core.Reconciliation;
using DualWrite.Core.Stores;
using DualWrite.Samples.Orders.Domain;

namespace DualWrite.Samples.Orders.Migration;

/// <summary>The orders entity's two stores as a reconciliation pair: an order's fields in canonical form.</summary>
public static class OrderReconciliation
{
    /// <summary>How an order becomes the reconciler's row: the key's two columns, then status, total, placed time, details (JSON by meaning) and receipt.</summary>
    public static StoreShape<OrderKey, Order> Shape { get; } = new(
        key => [key.CustomerId, (long)key.OrderNo],
        values => new OrderKey((long)values[0]!, checked((int)(long)values[1]!)),
        [
            ("status", o => o.Status.ToString()),
            ("total", o => o.Total),
            ("placed_at", o => o.PlacedAt),
            ("details", o => o.Details is null ? null : CanonicalJson.Normalize(o.Details)),
            ("receipt", o => o.Receipt),
        ]);

    /// <summary>The pair of the old and the new store, with <paramref name="settle"/> as the feed that carries writes between them.</summary>
    public static StorePair<OrderKey, Order> Pair(string entity, IVersionedStore<OrderKey, Order> oldStore, IVersionedStore<OrderKey, Order> newStore, Func<CancellationToken, Task> settle) =>
        new(entity, oldStore, newStore, Shape, new SettledFeed(settle));
}
