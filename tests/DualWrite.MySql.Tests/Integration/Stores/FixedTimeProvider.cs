namespace DualWrite.MySql.Tests.Integration.Stores;

/// <summary>A clock that stands still until moved.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
