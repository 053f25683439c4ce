using DualWrite.Core.Options;

namespace DualWrite.Core.Routing;

/// <summary>
/// How the read path asks the repair log whether the store that serves reads may lack a write (see
/// <see cref="DualWriteStore{TKey, TValue}.GetAsync"/> and <see cref="QueryRouter"/>). When both stores are outboxes,
/// the entries toward the read store live in the other store's database, so the question must not wait on that
/// database longer than <see cref="Timeout"/>: when it is down or hangs, reads go on from what the log last said.
/// </summary>
public sealed class RepairLookupOptions
{
    /// <summary>The most one question to the repair log may add to a read; past it the read is answered from what the log last said.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The bound on questions about a store until the log has answered one: the first questions open connections to
    /// the log's database (a TLS or SCRAM handshake, the driver's type loading), which on a busy machine can take longer
    /// than <see cref="Timeout"/>, and until the log has answered, a read that cannot wait for it is refused.
    /// </summary>
    public TimeSpan FirstAnswerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After a question failed, how long the log is not asked again (a call that ran past <see cref="Timeout"/> is instead left to finish first).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often, at most, the log is asked in the background whether any entry names the read store.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after this instance first saw a phase other instances may still be in the one before (the phase
    /// source's propagation bound, with a margin): only a log seen empty after that still counts as empty.
    /// </summary>
    public TimeSpan PhaseSettleTime { get; set; } = TimeSpan.FromSeconds(2);

    internal void Validate(string path, OptionErrors errors)
    {
        errors.Positive($"{path}:Timeout", Timeout);
        errors.Positive($"{path}:FirstAnswerTimeout", FirstAnswerTimeout);
        errors.Positive($"{path}:RetryAfter", RetryAfter);
        errors.Positive($"{path}:RefreshInterval", RefreshInterval);
        if (PhaseSettleTime < TimeSpan.Zero)
        {
            errors.Add($"{path}:PhaseSettleTime", $"must not be negative (was {PhaseSettleTime})");
        }
    }
}
