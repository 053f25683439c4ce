using System.Globalization;
using DualWrite.MySql.Stores;
using DualWrite.MySql;
using DualWrite.Samples.Orders.Domain;
using MySqlConnector;

namespace DualWrite.Samples.Orders.Data;

/// <summary>
/// The application's MySQL tables: <c>orders</c> (the migrated entity: its DDL, and how its columns map to
/// <see cref="OrderKey"/> and <see cref="Order"/>) and <c>order_events</c> (the application's own table, which stays
/// in MySQL and is written in the same transaction as an order's placement).
/// </summary>
public static class OrderTable
{
    /// <summary>The table name.</summary>
    public const string Name = "orders";

    /// <summary>The entity name the phase table, flags and repair log know the orders by.</summary>
    public const string Entity = "orders";

    /// <summary>The application's DDL, as it was before the migration (the store adds its version column and triggers).</summary>
    public const string CreateSql = """
        CREATE TABLE IF NOT EXISTS `orders` (
          `customer_id` BIGINT NOT NULL,
          `order_no` INT NOT NULL,
          `status` ENUM('New','Paid','Shipped') NOT NULL,
          `total` DECIMAL(12,2) NOT NULL,
          `placed_at` DATETIME(6) NOT NULL,
          `details` JSON NULL,
          `receipt` BLOB NULL,
          PRIMARY KEY (`customer_id`, `order_no`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """;

    /// <summary>The application's own event log: one row per placement, written in the placement's transaction.</summary>
    public const string CreateEventsSql = """
        CREATE TABLE IF NOT EXISTS `order_events` (
          `id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
          `customer_id` BIGINT NOT NULL,
          `order_no` INT NOT NULL,
          `event` VARCHAR(16) NOT NULL,
          `at` DATETIME(6) NOT NULL,
          KEY (`customer_id`, `order_no`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """;

    /// <summary>The store mapping over <c>orders</c> in <paramref name="database"/> (the connection's database when null).</summary>
    public static MySqlTableMapping<OrderKey, Order> Mapping(string? database = null) => new(
        Name,
        new MySqlColumnMap<OrderKey>(
            ["customer_id", "order_no"],
            key => [key.CustomerId, key.OrderNo],
            (reader, i) => new OrderKey(reader.GetInt64(i), reader.GetInt32(i + 1))),
        new MySqlColumnMap<Order>(
            ["status", "total", "placed_at", "details", "receipt"],
            order => [order.Status.ToString(), order.Total, order.PlacedAt, order.Details, order.Receipt],
            ReadOrder),
        OrderKey.Comparer,
        database);

    /// <summary>The durable repair log of the <c>orders</c> entity, in <paramref name="dataSource"/>'s database.</summary>
    public static MySqlRepairLog<OrderKey> RepairLog(MySqlDataSource dataSource) =>
        new(dataSource, key => key.ToString(), OrderKey.Parse);

    private static Order ReadOrder(MySqlDataReader reader, int i)
    {
        var statusText = reader.GetString(i);
        if (!Enum.TryParse<OrderStatus>(statusText, ignoreCase: false, out var status))
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"orders.status holds '{statusText}', which is not an order status."));
        }

        return new Order(
            status,
            reader.GetDecimal(i + 1),
            DateTime.SpecifyKind(reader.GetDateTime(i + 2), DateTimeKind.Utc),
            reader.IsDBNull(i + 3) ? null : reader.GetString(i + 3),
            reader.IsDBNull(i + 4) ? null : (byte[])reader.GetValue(i + 4));
    }
}
