using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace DualWrite.Core.Resilience;

/// <summary>Builds the Polly pipeline secondary writes run through (outermost first: total budget, retry, breaker, attempt timeout).</summary>
internal static class SecondaryWritePipeline
{
    public static ResiliencePipeline Build(SecondaryWriteOptions options, TimeProvider timeProvider)
    {
        // Neither a caller's cancellation nor an open circuit is worth retrying: both would fail the same way again.
        static bool Retryable(Exception ex) => ex is not OperationCanceledException and not BrokenCircuitException;

        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddTimeout(options.TotalTimeout);
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && Retryable(ex)),
            });
        }

        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.BreakerFailureRatio,
                SamplingDuration = options.BreakerSamplingDuration,
                MinimumThroughput = options.BreakerMinimumThroughput,
                BreakDuration = options.BreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && Retryable(ex)),
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }
}
