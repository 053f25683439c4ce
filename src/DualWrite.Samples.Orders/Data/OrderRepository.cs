using System.Globalization;
using DualWrite.Core.Stores;
using DualWrite.Samples.Orders.Domain;

namespace DualWrite.Samples.Orders.Data;

/// <summary>
/// The orders service's repository. It is written against <see cref="IVersionedStore{TKey, TValue}"/> only: in
/// production that is the dual-write decorator (resolved as the keyed service "orders"), which decides per call and
/// per phase which store reads and writes go to. The repository's one duty towards the migration is to give every
/// change a version greater than the one it replaces, which <see cref="VersionClock"/> does.
/// </summary>
public sealed class OrderRepository
{
    private readonly IVersionedStore<OrderKey, Order> _store;
    private readonly VersionClock _clock;

    /// <summary>Creates the repository over <paramref name="store"/>.</summary>
    public OrderRepository(IVersionedStore<OrderKey, Order> store, VersionClock? clock = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _clock = clock ?? VersionClock.Shared;
    }

    /// <summary>The order, or null when there is none (never placed, or cancelled).</summary>
    public async Task<Order?> GetAsync(OrderKey key, CancellationToken cancellationToken)
    {
        var record = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return record is { IsTombstone: false } ? record.Value : null;
    }

    /// <summary>Places a new order.</summary>
    /// <exception cref="OrderConflictException">A newer change of the key was already stored.</exception>
    public async Task<Order> PlaceAsync(OrderKey key, decimal total, string? details, DateTime placedAt, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        var order = new Order(OrderStatus.New, decimal.Round(total, 2), placedAt, details, null);
        await WriteAsync(key, order, cancellationToken).ConfigureAwait(false);
        return order;
    }

    /// <summary>Records the payment of a new order with its receipt.</summary>
    /// <returns>The paid order; null when there is no such order.</returns>
    /// <exception cref="OrderConflictException">The order is not new, or a newer change was stored meanwhile.</exception>
    public Task<Order?> PayAsync(OrderKey key, byte[] receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return ChangeAsync(key, OrderStatus.New, order => order with { Status = OrderStatus.Paid, Receipt = receipt }, cancellationToken);
    }

    /// <summary>Ships a paid order.</summary>
    /// <returns>The shipped order; null when there is no such order.</returns>
    /// <exception cref="OrderConflictException">The order is not paid, or a newer change was stored meanwhile.</exception>
    public Task<Order?> ShipAsync(OrderKey key, CancellationToken cancellationToken) =>
        ChangeAsync(key, OrderStatus.Paid, order => order with { Status = OrderStatus.Shipped }, cancellationToken);

    /// <summary>Cancels (deletes) an order; the store keeps a versioned tombstone so no late copy brings it back.</summary>
    /// <returns>Whether an order was there to cancel.</returns>
    public async Task<bool> CancelAsync(OrderKey key, CancellationToken cancellationToken)
    {
        var current = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (current is null or { IsTombstone: true })
        {
            return false;
        }

        _clock.Observe(current.Version);
        var result = await _store.DeleteAsync(key, _clock.Next(), cancellationToken).ConfigureAwait(false);
        EnsureApplied(key, result);
        return true;
    }

    /// <summary>A customer's orders in order-number order.</summary>
    public async Task<IReadOnlyList<(OrderKey Key, Order Order)>> ListAsync(long customerId, CancellationToken cancellationToken)
    {
        var orders = new List<(OrderKey, Order)>();
        var range = KeyRange<OrderKey>.Between(new(customerId, int.MinValue), new(customerId, int.MaxValue));
        await foreach (var record in _store.ScanAsync(range, 200, cancellationToken).ConfigureAwait(false))
        {
            if (!record.IsTombstone)
            {
                orders.Add((record.Key, record.Value!));
            }
        }

        return orders;
    }

    private async Task<Order?> ChangeAsync(OrderKey key, OrderStatus expected, Func<Order, Order> change, CancellationToken cancellationToken)
    {
        var current = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (current is null or { IsTombstone: true })
        {
            return null;
        }

        if (current.Value!.Status != expected)
        {
            throw new OrderConflictException(key, string.Create(CultureInfo.InvariantCulture, $"order {key} is {current.Value.Status}, not {expected}"));
        }

        _clock.Observe(current.Version);
        var changed = change(current.Value);
        await WriteAsync(key, changed, cancellationToken).ConfigureAwait(false);
        return changed;
    }

    private async Task WriteAsync(OrderKey key, Order order, CancellationToken cancellationToken)
    {
        var result = await _store.UpsertAsync(new VersionedRecord<OrderKey, Order>(key, _clock.Next(), order), cancellationToken).ConfigureAwait(false);
        EnsureApplied(key, result);
    }

    private static void EnsureApplied(OrderKey key, WriteResult result)
    {
        if (result == WriteResult.IgnoredOlderVersion)
        {
            throw new OrderConflictException(key, $"a newer change of order {key} was stored first");
        }
    }
}
