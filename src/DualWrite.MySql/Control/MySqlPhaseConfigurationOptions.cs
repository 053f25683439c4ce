using DualWrite.Hosting.Flags;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace DualWrite.MySql.Control;

/// <summary>Settings of the configuration source that serves the phase table as feature flags.</summary>
public sealed class MySqlPhaseConfigurationOptions
{
    /// <summary>The poll interval used when none is configured.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The control database; its database holds the tables. Not used when <see cref="DataSource"/> is set.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The application's own data source (its database holds the tables), so the phase polls share the application's
    /// pool; the provider never disposes it. When null, the provider opens its own pool from <see cref="ConnectionString"/>.
    /// </summary>
    public MySqlDataSource? DataSource { get; set; }

    /// <summary>The control table names.</summary>
    public PhaseControlTables Tables { get; set; } = new();

    /// <summary>Prepended to each entity to form its flag name; must match the phase source's prefix. Default <c>DualWrite.</c>.</summary>
    public string FlagNamePrefix { get; set; } = PhaseFlagSchema.DefaultFlagNamePrefix;

    /// <summary>How often the phase table is read; a change reaches the configuration within one interval plus one query. Default 250 ms.</summary>
    public TimeSpan PollInterval { get; set; } = DefaultPollInterval;

    /// <summary>
    /// When false (the default), building the configuration fails if the first read of the phase table fails,
    /// so an instance never starts without knowing its phases. When true, it starts with no phase flags (the phase
    /// source then fails calls for unknown entities) and keeps polling.
    /// </summary>
    public bool Optional { get; set; }

    /// <summary>Drives the poll loop; <see cref="TimeProvider.System"/> by default.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Creates the provider's logger; no logging when null.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal void Validate()
    {
        if (DataSource is null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(ConnectionString, nameof(ConnectionString));
        }
        ArgumentNullException.ThrowIfNull(Tables, nameof(Tables));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        _ = PhaseFlagSchema.FlagName(FlagNamePrefix, "entity");
        if (PollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "The poll interval must be positive.");
        }
    }
}
