namespace DualWrite.Samples.Orders.Migration;

/// <summary>The sample migration could not go on: a move was refused or overtaken, or the application never saw a flip.</summary>
public sealed class SampleMigrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SampleMigrationException()
    {
    }

    /// <summary>Creates the exception with a message saying what went wrong.</summary>
    public SampleMigrationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    public SampleMigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
