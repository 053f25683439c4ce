using DualWrite.Core.Options;

namespace DualWrite.Core.Resilience;

/// <summary>
/// How the decorator writes the secondary store: each attempt has a timeout, failed attempts are retried with
/// jittered exponential backoff, a circuit breaker stops calling a store that keeps failing, and the whole write
/// has a budget. Whatever still fails goes to the repair log, never to the caller.
/// </summary>
public sealed class SecondaryWriteOptions
{
    /// <summary>The most one attempt may take before it counts as failed.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most the secondary write may add to the caller's latency, retries included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries after the first attempt; 0 disables retries.</summary>
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>The median delay before the first retry; later retries back off exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>The share of failed attempts within <see cref="BreakerSamplingDuration"/> that opens the circuit.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>The window the breaker's failure ratio is measured over.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The fewest attempts in the window before the breaker may open.</summary>
    public int BreakerMinimumThroughput { get; set; } = 20;

    /// <summary>How long an open circuit fails secondary writes at once (straight to the repair log) before testing the store again.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    internal void Validate(string path, OptionErrors errors)
    {
        errors.Positive($"{path}:AttemptTimeout", AttemptTimeout);
        errors.Positive($"{path}:TotalTimeout", TotalTimeout);
        errors.AtLeast($"{path}:MaxRetryAttempts", MaxRetryAttempts, 0);
        errors.Positive($"{path}:RetryBaseDelay", RetryBaseDelay);
        errors.Ratio($"{path}:BreakerFailureRatio", BreakerFailureRatio, allowZero: false);
        errors.AtLeast($"{path}:BreakerMinimumThroughput", BreakerMinimumThroughput, 2);

        // Polly's own floors: it refuses a sampling window under 0.5 s and a break under 0.5 s.
        if (BreakerSamplingDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add($"{path}:BreakerSamplingDuration", $"must be at least 00:00:00.5 (was {BreakerSamplingDuration})");
        }

        if (BreakerBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add($"{path}:BreakerBreakDuration", $"must be at least 00:00:00.5 (was {BreakerBreakDuration})");
        }

        if (TotalTimeout < AttemptTimeout)
        {
            errors.Add($"{path}:TotalTimeout", $"must not be shorter than AttemptTimeout ({AttemptTimeout}) (was {TotalTimeout})");
        }
    }
}
