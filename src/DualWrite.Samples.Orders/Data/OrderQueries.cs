using Dapper;
using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Samples.Orders.Domain;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Samples.Orders.Data;

/// <summary>
/// The application's queries beyond keys, in plain SQL with Dapper, each run whole on the store the entity is read
/// from now (<see cref="QueryRouter"/>): MySQL while the old store serves reads, PostgreSQL once the new one does.
/// </summary>
public sealed class OrderQueries
{
    private readonly QueryRouter _router;
    private readonly MySqlDataSource _mysql;
    private readonly NpgsqlDataSource _postgres;
    private readonly string _postgresOrders;

    /// <summary>Creates the queries over the application's two data sources.</summary>
    /// <param name="router">Where the <c>orders</c> entity is read now.</param>
    /// <param name="mysql">The application's MySQL data source (its database holds <c>orders</c>).</param>
    /// <param name="postgres">The new store's data source.</param>
    /// <param name="postgresSchema">The schema of the new store's <c>orders</c> table.</param>
    public OrderQueries(QueryRouter router, MySqlDataSource mysql, NpgsqlDataSource postgres, string postgresSchema)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(mysql);
        ArgumentNullException.ThrowIfNull(postgres);
        _router = router;
        _mysql = mysql;
        _postgres = postgres;
        var quoting = new NpgsqlCommandBuilder();
        _postgresOrders = quoting.QuoteIdentifier(postgresSchema) + "." + quoting.QuoteIdentifier(PgOrderTable.Name);
    }

    /// <summary>A customer's orders above <paramref name="minimumTotal"/>, in order-number order (a query by a column that is not the key).</summary>
    /// <returns>The orders, and which store answered.</returns>
    public async Task<(IReadOnlyList<(OrderKey Key, Order Order)> Orders, StoreRole From)> ByCustomerAsync(long customerId, decimal minimumTotal, CancellationToken cancellationToken)
    {
        var from = await _router.ReadsFromAsync(OrderTable.Entity, cancellationToken).ConfigureAwait(false);
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

        return ([.. rows.Select(r => r.ToOrder())], from);
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
