namespace DualWrite.MySql.Control;

/// <summary>A phase control operation was refused by the state of the control tables (not by the rules or gates, which come back as rejections).</summary>
public class PhaseControlException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public PhaseControlException(PhaseControlError error, string entity, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        Entity = entity;
    }

    /// <summary>What went wrong.</summary>
    public PhaseControlError Error { get; }

    /// <summary>The entity concerned.</summary>
    public string Entity { get; }
}
