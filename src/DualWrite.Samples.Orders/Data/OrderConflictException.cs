using DualWrite.Samples.Orders.Domain;

namespace DualWrite.Samples.Orders.Data;

/// <summary>An order change that cannot be made: the order is in the wrong state, or someone changed it first.</summary>
public sealed class OrderConflictException(OrderKey key, string message) : Exception(message)
{
    /// <summary>The order concerned.</summary>
    public OrderKey Key { get; } = key;
}
