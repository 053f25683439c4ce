using System.Data;
using System.Globalization;
using Dapper;
using DualWrite.Core.Stores;
using DualWrite.MySql.Stores;
using DualWrite.Samples.Orders.Domain;
using MySqlConnector;

namespace DualWrite.Samples.Orders.Data;

/// <summary>
/// The orders service's repository, as an application on MySqlConnector and Dapper writes it. Orders by key go through
/// <see cref="IVersionedStore{TKey, TValue}"/>: in production the dual-write decorator (the keyed service "orders"),
/// which decides per call and per phase which store reads and writes go to. The application's own SQL runs with Dapper
/// on its own <see cref="MySqlDataSource"/>: a placement writes its <c>order_events</c> row and the order in one
/// transaction, which the MySQL store (and its outbox intent) joins through <see cref="MySqlStoreTransaction.Join(MySqlConnection, MySqlTransaction)"/>.
/// Queries beyond keys go to the store the entity is read from now (<see cref="OrderQueries"/>). The repository's one
/// duty towards the migration is to give every change a version greater than the one it replaces, which
/// <see cref="VersionClock"/> does.
/// </summary>
public sealed class OrderRepository
{
    private readonly IVersionedStore<OrderKey, Order> _store;
    private readonly MySqlDataSource _mysql;
    private readonly OrderQueries _queries;
    private readonly VersionClock _clock;

    /// <summary>Creates the repository.</summary>
    /// <param name="store">The orders store (the decorator).</param>
    /// <param name="mysql">The application's data source: the one the MySQL store was built over.</param>
    /// <param name="queries">The routed queries.</param>
    /// <param name="clock">The version clock; the process's shared one when null.</param>
    public OrderRepository(IVersionedStore<OrderKey, Order> store, MySqlDataSource mysql, OrderQueries queries, VersionClock? clock = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(mysql);
        ArgumentNullException.ThrowIfNull(queries);
        _store = store;
        _mysql = mysql;
        _queries = queries;
        _clock = clock ?? VersionClock.Shared;
    }

    /// <summary>The order, or null when there is none (never placed, or cancelled).</summary>
    public async Task<Order?> GetAsync(OrderKey key, CancellationToken cancellationToken)
    {
        var record = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return record is { IsTombstone: false } ? record.Value : null;
    }

    /// <summary>
    /// Places a new order: its <c>order_events</c> row (Dapper) and the order (the decorator) in one MySQL transaction,
    /// committed through the joined store transaction so that the secondary write follows at once. Where MySQL is the
    /// authoritative store for orders, the order, its outbox intent and the event commit or roll back together; where
    /// PostgreSQL is, the order is written there first, on its own, and the transaction holds the MySQL rows.
    /// </summary>
    /// <exception cref="OrderConflictException">A newer change of the key was already stored.</exception>
    public async Task<Order> PlaceAsync(OrderKey key, decimal total, string? details, DateTime placedAt, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        var order = new Order(OrderStatus.New, decimal.Round(total, 2), placedAt, details, null);
        var connection = await _mysql.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // READ COMMITTED, as the store's own transactions: its guarded writes take locking reads, which under
            // REPEATABLE READ also lock the gaps around absent keys.
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var joined = MySqlStoreTransaction.Join(connection, transaction);
                await using (joined.ConfigureAwait(false))
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "INSERT INTO order_events (customer_id, order_no, event, at) VALUES (@CustomerId, @OrderNo, 'placed', @At)",
                        new { key.CustomerId, key.OrderNo, At = placedAt },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                    await WriteAsync(key, order, cancellationToken).ConfigureAwait(false);
                    await joined.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return order;
    }

    /// <summary>How many placement events the application recorded for <paramref name="key"/> (the sample's check that each placement committed exactly once).</summary>
    public async Task<int> CountPlacementsAsync(OrderKey key, CancellationToken cancellationToken)
    {
        var connection = await _mysql.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT COUNT(*) FROM order_events WHERE customer_id = @CustomerId AND order_no = @OrderNo AND event = 'placed'",
                new { key.CustomerId, key.OrderNo },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
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

    /// <summary>A customer's orders in order-number order, from the store the orders are read from now.</summary>
    public async Task<IReadOnlyList<(OrderKey Key, Order Order)>> ListAsync(long customerId, CancellationToken cancellationToken) =>
        (await _queries.ByCustomerAsync(customerId, 0m, cancellationToken).ConfigureAwait(false)).Orders;

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
