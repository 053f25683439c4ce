using Dapper;
using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Samples.Orders.Domain;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Samples.Orders.Data;

/// <summary>
/// The application's queries beyond keys, in plain SQL with Dapper, each run whole on the store the entity is read
/// from now (<see cref="QueryRouter"/>): MySQL while the old store serves reads, PostgreSQL once the new one does.
/// Where that store may still lack some writes (pending repairs, just after a step back from NewOnly), the router
/// names their keys, and those the query could match are read through the decorator and put in the result.
/// </summary>
public sealed class OrderQueries
{
    private readonly QueryRouter _router;
    private readonly IVersionedStore<OrderKey, Order> _store;
    private readonly MySqlDataSource _mysql;
    private readonly NpgsqlDataSource _postgres;
    private readonly string _postgresOrders;

    /// <summary>Creates the queries over the application's two data sources.</summary>
    /// <param name="router">Where the <c>orders</c> entity is read now.</param>
    /// <param name="store">The orders store (the decorator), for the keys the query's store may lack.</param>
    /// <param name="mysql">The application's MySQL data source (its database holds <c>orders</c>).</param>
    /// <param name="postgres">The new store's data source.</param>
    /// <param name="postgresSchema">The schema of the new store's <c>orders</c> table.</param>
    public OrderQueries(QueryRouter router, IVersionedStore<OrderKey, Order> store, MySqlDataSource mysql, NpgsqlDataSource postgres, string postgresSchema)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(mysql);
        ArgumentNullException.ThrowIfNull(postgres);
        _router = router;
        _store = store;
        _mysql = mysql;
        _postgres = postgres;
        var quoting = new NpgsqlCommandBuilder();
        _postgresOrders = quoting.QuoteIdentifier(postgresSchema) + "." + quoting.QuoteIdentifier(PgOrderTable.Name);
    }

    /// <summary>A customer's orders above <paramref name="minimumTotal"/>, in order-number order (a query by a column that is not the key).</summary>
    /// <returns>The orders, and which store answered.</returns>
    public async Task<(IReadOnlyList<(OrderKey Key, Order Order)> Orders, StoreRole From)> ByCustomerAsync(long customerId, decimal minimumTotal, CancellationToken cancellationToken)
    {
        var route = await _router.RouteAsync<OrderKey>(OrderTable.Entity, cancellationToken).ConfigureAwait(false);
        if (!route.Complete)
        {
            throw new InvalidOperationException($"More than {QueryRoute<OrderKey>.MaxKeys} repairs are pending toward the {route.From} store; the query cannot be corrected until the repair worker catches up.");
        }

        var from = route.From;
        var parameters = new { customerId, minimumTotal };
        IEnumerable<OrderRow> rows;
        if (from == StoreRole.Old)
        {
            var connection = await _mysql.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                rows = await connection.QueryAsync<OrderRow>(new CommandDefinition(
                    """
                    SELECT customer_id AS CustomerId, order_no AS OrderNo, status AS Status, total AS Total,
                           placed_at AS PlacedAt, details AS Details, receipt AS Receipt
                      FROM orders WHERE customer_id = @customerId AND total >= @minimumTotal ORDER BY order_no
                    """, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
        }
        else
        {
            var connection = await _postgres.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                rows = await connection.QueryAsync<OrderRow>(new CommandDefinition(
                    $"""
                    SELECT customer_id AS "CustomerId", order_no AS "OrderNo", status AS "Status", total AS "Total",
                           placed_at AS "PlacedAt", details::text AS "Details", receipt AS "Receipt"
                      FROM {_postgresOrders} WHERE customer_id = @customerId AND total >= @minimumTotal ORDER BY order_no
                    """, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
        }

        var orders = rows.Select(r => r.ToOrder()).ToDictionary(o => o.Item1);
        foreach (var key in route.MayLack.Where(k => k.CustomerId == customerId))
        {
            // The decorator reads both stores for a key with a pending repair and returns the newer record.
            orders.Remove(key);
            if (await _store.GetAsync(key, cancellationToken).ConfigureAwait(false) is { IsTombstone: false, Value: { } order } && order.Total >= minimumTotal)
            {
                orders[key] = (key, order);
            }
        }

        return ([.. orders.Values.OrderBy(o => o.Item1.OrderNo)], from);
    }

    /// <summary>One row of <c>orders</c> as both stores return it.</summary>
    private sealed class OrderRow
    {
        public long CustomerId { get; init; }

        public int OrderNo { get; init; }

        public string Status { get; init; } = "";

        public decimal Total { get; init; }

        public DateTime PlacedAt { get; init; }

        public string? Details { get; init; }

        public byte[]? Receipt { get; init; }

        public (OrderKey, Order) ToOrder() =>
            (new OrderKey(CustomerId, OrderNo),
             new Order(Enum.Parse<OrderStatus>(Status), Total, DateTime.SpecifyKind(PlacedAt, DateTimeKind.Utc), Details, Receipt));
    }
}
