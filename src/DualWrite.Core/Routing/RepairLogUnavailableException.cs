namespace DualWrite.Core.Routing;

/// <summary>
/// A read was refused: the store that serves reads may lack an acknowledged write, and the repair log that would say
/// so (in the other store's database, when both stores are outboxes) could not be asked and had not been seen empty
/// since the phase settled. Nothing was served stale; retry once that database answers again.
/// </summary>
public sealed class RepairLogUnavailableException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public RepairLogUnavailableException()
        : base("The repair log could not be asked whether the read store is complete.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public RepairLogUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public RepairLogUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
