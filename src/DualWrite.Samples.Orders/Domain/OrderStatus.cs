namespace DualWrite.Samples.Orders.Domain;

/// <summary>Where an order is in its life; stored as the ENUM column <c>status</c>.</summary>
public enum OrderStatus
{
    /// <summary>Placed, not paid.</summary>
    New,

    /// <summary>Paid, not shipped.</summary>
    Paid,

    /// <summary>On its way.</summary>
    Shipped,
}
