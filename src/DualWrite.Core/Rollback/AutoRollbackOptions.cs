using DualWrite.Core.Options;

namespace DualWrite.Core.Rollback;

/// <summary>
/// The service-level objectives an entity must keep in the dual-write phases; when one breaks over
/// <see cref="Window"/>, the entity is moved one phase back and the move is audited like any other.
/// </summary>
public sealed class AutoRollbackOptions
{
    /// <summary>Whether broken objectives move the entity back automatically.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The sliding window the rates are measured over.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The fewest events in the window before a rate counts (so three failures out of four do not trigger a rollback at night).</summary>
    public int MinimumSamples { get; set; } = 50;

    /// <summary>The highest tolerated share of secondary writes that fail after retries.</summary>
    public double MaxSecondaryErrorRate { get; set; } = 0.05;

    /// <summary>The highest tolerated share of shadow reads that find a confirmed mismatch.</summary>
    public double MaxShadowMismatchRate { get; set; } = 0.01;

    /// <summary>A latency objective: at most <see cref="MaxSlowRate"/> of calls may take longer than this. Null turns it off.</summary>
    public TimeSpan? LatencyThreshold { get; set; }

    /// <summary>The highest tolerated share of calls slower than <see cref="LatencyThreshold"/> (0.01 means p99 under the threshold).</summary>
    public double MaxSlowRate { get; set; } = 0.01;

    /// <summary>How long after a rollback the entity is left alone, so one incident moves it back one step, not all the way.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the objectives are checked.</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(5);

    internal void Validate(string path, OptionErrors errors)
    {
        errors.Positive($"{path}:Window", Window);
        errors.AtLeast($"{path}:MinimumSamples", MinimumSamples, 1);
        errors.Ratio($"{path}:MaxSecondaryErrorRate", MaxSecondaryErrorRate, allowZero: true);
        errors.Ratio($"{path}:MaxShadowMismatchRate", MaxShadowMismatchRate, allowZero: true);
        errors.Ratio($"{path}:MaxSlowRate", MaxSlowRate, allowZero: true);
        if (LatencyThreshold is { } threshold)
        {
            errors.Positive($"{path}:LatencyThreshold", threshold);
        }

        errors.Positive($"{path}:Cooldown", Cooldown);
        errors.Positive($"{path}:EvaluationInterval", EvaluationInterval);
    }
}
