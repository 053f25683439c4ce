namespace DualWrite.Samples.Orders.Domain;

/// <summary>An order's identity: the customer and the customer's order number (the table's composite primary key).</summary>
public readonly record struct OrderKey(long CustomerId, int OrderNo) : IComparable<OrderKey>
{
    /// <summary>Orders keys as the server orders the primary key (customer_id, order_no): both columns are signed integers.</summary>
    public static IComparer<OrderKey> Comparer { get; } = Comparer<OrderKey>.Default;

    /// <inheritdoc />
    public int CompareTo(OrderKey other)
    {
        var byCustomer = CustomerId.CompareTo(other.CustomerId);
        return byCustomer != 0 ? byCustomer : OrderNo.CompareTo(other.OrderNo);
    }

    /// <inheritdoc />
    public override string ToString() => $"{CustomerId}/{OrderNo}";

    /// <summary>Parses the form <see cref="ToString"/> writes (how the repair log stores keys).</summary>
    /// <exception cref="FormatException">The text is not "customer/order".</exception>
    public static OrderKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0
            || !long.TryParse(text.AsSpan(0, slash), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var customer)
            || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var order))
        {
            throw new FormatException($"'{text}' is not an order key (expected customer/order, e.g. 42/7).");
        }

        return new OrderKey(customer, order);
    }
}
