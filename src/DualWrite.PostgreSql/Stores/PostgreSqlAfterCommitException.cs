namespace DualWrite.PostgreSql.Stores;

/// <summary>
/// A <see cref="PostgreSqlOutboxStore{TKey, TValue}"/> write committed (the record and its intent are durable), but the
/// after-commit callback threw; its exception is the inner exception. Catching this means the data is durable:
/// redoing the write at the same version is harmless, but the write did not fail.
/// </summary>
public sealed class PostgreSqlAfterCommitException : Exception
{
    /// <summary>Creates an exception over the callback's failure.</summary>
    public PostgreSqlAfterCommitException(Exception innerException)
        : base($"The write and its intent committed, but the after-commit callback failed: {innerException?.GetType().Name}: {innerException?.Message}", innerException)
    {
    }
}
