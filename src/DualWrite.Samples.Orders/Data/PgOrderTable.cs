using DualWrite.PostgreSql.Stores;
using DualWrite.Samples.Orders.Domain;
using Npgsql;

namespace DualWrite.Samples.Orders.Data;

/// <summary>
/// The <c>orders</c> table in the new store, PostgreSQL, as the backfill creates it from the MySQL table (ENUM → text,
/// DECIMAL(12,2) → numeric(12,2), DATETIME(6) → timestamp(6), JSON → jsonb, BLOB → bytea; docs/backfill.md), and how its
/// columns map to <see cref="OrderKey"/> and <see cref="Order"/>.
/// </summary>
public static class PgOrderTable
{
    /// <summary>The table name.</summary>
    public const string Name = "orders";

    /// <summary>
    /// The repair log of the entries toward the old store, in <paramref name="schema"/>: the new store's outbox writes the
    /// intents of its writes there, in the same transaction (the MySQL log holds those toward the new store).
    /// </summary>
    public static PostgreSqlRepairLog<OrderKey> RepairLog(NpgsqlDataSource dataSource, string schema) =>
        new(dataSource, key => key.ToString(), OrderKey.Parse, schema: schema);

    /// <summary>The store mapping over <c>orders</c> in <paramref name="schema"/>.</summary>
    public static PostgreSqlTableMapping<OrderKey, Order> Mapping(string schema) => new(
        Name,
        new PostgreSqlColumnMap<OrderKey>(
            ["customer_id", "order_no"],
            key => [key.CustomerId, key.OrderNo],
            (reader, i) => new OrderKey(reader.GetInt64(i), reader.GetInt32(i + 1))),
        new PostgreSqlColumnMap<Order>(
            ["status", "total", "placed_at", "details", "receipt"],
            // timestamp (without time zone) takes an Unspecified DateTime: the column holds UTC, as MySQL's DATETIME does.
            order => [order.Status.ToString(), order.Total, DateTime.SpecifyKind(order.PlacedAt, DateTimeKind.Unspecified), order.Details, order.Receipt],
            (reader, i) => new Order(
                Enum.Parse<OrderStatus>(reader.GetString(i)),
                reader.GetDecimal(i + 1),
                DateTime.SpecifyKind(reader.GetDateTime(i + 2), DateTimeKind.Utc),
                reader.IsDBNull(i + 3) ? null : reader.GetString(i + 3),
                reader.IsDBNull(i + 4) ? null : reader.GetFieldValue<byte[]>(i + 4))),
        OrderKey.Comparer,
        schema);
}
