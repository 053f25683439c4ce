namespace DualWrite.Migration.Schema;

/// <summary>A source value that its column's PostgreSQL type cannot hold (a NUL character in text, an out-of-range value).</summary>
public sealed class TargetValueException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TargetValueException()
    {
    }

    /// <summary>Creates the exception with a message naming the value's problem.</summary>
    public TargetValueException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public TargetValueException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
