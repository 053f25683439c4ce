namespace DualWrite.Core.Routing;

/// <summary>
/// A write reached the authoritative store, but the secondary store refused it and the repair log could not
/// record that. The write is not acknowledged: retry it with the same version (the authoritative store ignores
/// the duplicate and the secondary write is attempted again). <see cref="Exception.InnerException"/> is the
/// repair log's failure; <see cref="SecondaryFailure"/> is the secondary store's.
/// </summary>
public sealed class SecondaryWriteUnrecordedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public SecondaryWriteUnrecordedException()
        : base("The secondary write failed and the repair log could not record it.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public SecondaryWriteUnrecordedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the repair log's failure.</summary>
    public SecondaryWriteUnrecordedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a failed secondary write that the repair log could not record.</summary>
    public SecondaryWriteUnrecordedException(string message, Exception secondaryFailure, Exception repairLogFailure)
        : base(message, repairLogFailure)
    {
        SecondaryFailure = secondaryFailure;
    }

    /// <summary>Why the secondary store refused the write, when known.</summary>
    public Exception? SecondaryFailure { get; }
}
