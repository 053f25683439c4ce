namespace DualWrite.Hosting.Flags;

/// <summary>Settings of a <see cref="FeatureFlagPhaseSource"/>.</summary>
public sealed class FeatureFlagPhaseSourceOptions
{
    /// <summary>The refresh interval used when none is configured.</summary>
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Prepended to the entity name to form its flag name; default <c>DualWrite.</c>.</summary>
    public string FlagNamePrefix { get; set; } = PhaseFlagSchema.DefaultFlagNamePrefix;

    /// <summary>
    /// How often every registered flag is read again even when no configuration reload was signalled, which
    /// bounds how long a missed or early-handled reload can leave a phase stale. Default 250 ms;
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns the timer off (reload signals and <see cref="FeatureFlagPhaseSource.RefreshAsync"/> only).
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = DefaultRefreshInterval;

    /// <summary>Entities to register up front, so the first refresh reads them before any call needs them.</summary>
    public IList<string> Entities { get; } = [];

    internal void Validate()
    {
        _ = PhaseFlagSchema.FlagName(FlagNamePrefix, "entity");
        if (RefreshInterval <= TimeSpan.Zero && RefreshInterval != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(RefreshInterval), RefreshInterval, "The refresh interval must be positive, or infinite to turn the timer off.");
        }

        foreach (var entity in Entities)
        {
            PhaseFlagSchema.ValidateEntity(entity);
        }
    }
}
