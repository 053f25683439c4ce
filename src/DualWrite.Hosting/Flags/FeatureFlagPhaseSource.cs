using System.Collections.Concurrent;
using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;
using Microsoft.FeatureManagement;

namespace DualWrite.Hosting.Flags;

/// <summary>
/// An <see cref="IPhaseSource"/> over Microsoft.FeatureManagement: each entity's phase is the variant
/// assigned by its flag (see <see cref="PhaseFlagSchema"/>). <see cref="GetPhase"/> serves a cached value
/// (one dictionary lookup and a volatile read, no allocation); the cache is refreshed when the configuration
/// signals a reload and on a timer, so a flip reaches every call within one refresh.
/// </summary>
/// <remarks>
/// An entity must resolve to a valid phase on first use, or <see cref="GetPhase"/> throws
/// <see cref="PhaseUnavailableException"/>. Once it has, a missing or invalid flag keeps the last good phase
/// (a typo on a dashboard must not reroute live traffic), logs one warning per change and shows as
/// <see cref="PhaseSourceHealth.Stale"/> in <see cref="GetStatuses"/> until the flag is valid again.
/// </remarks>
public sealed partial class FeatureFlagPhaseSource : IPhaseSource, IDisposable
{
    private readonly IVariantFeatureManager _featureManager;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _prefix;
    private readonly ConcurrentDictionary<string, PhaseCell> _cells = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly IDisposable? _reloadSubscription;
    private readonly ITimer? _timer;
    private volatile bool _disposed;

    /// <summary>Creates a source reading flags from <paramref name="featureManager"/>.</summary>
    /// <param name="featureManager">Evaluates the flags (typically a <see cref="FeatureManager"/> over the application's configuration).</param>
    /// <param name="configuration">The configuration the flags come from; its reload signal triggers a refresh. Null: timer only.</param>
    /// <param name="options">Prefix, refresh interval and entities to register up front; defaults when null.</param>
    /// <param name="timeProvider">Drives the refresh timer and stamps statuses; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Receives phase changes and flag problems.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public FeatureFlagPhaseSource(
        IVariantFeatureManager featureManager,
        IConfiguration? configuration,
        FeatureFlagPhaseSourceOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger<FeatureFlagPhaseSource>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(featureManager);
        options ??= new FeatureFlagPhaseSourceOptions();
        options.Validate();
        _featureManager = featureManager;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _prefix = options.FlagNamePrefix;
        Register(options.Entities);

        if (configuration is not null)
        {
            _reloadSubscription = ChangeToken.OnChange(configuration.GetReloadToken, OnConfigurationReload);
        }

        if (options.RefreshInterval != Timeout.InfiniteTimeSpan)
        {
            _timer = _timeProvider.CreateTimer(static state => ((FeatureFlagPhaseSource)state!).RequestRefresh(), this, options.RefreshInterval, options.RefreshInterval);
        }
    }

    /// <summary>The worst health over every registered entity (<see cref="PhaseSourceHealth.Healthy"/> when none is registered).</summary>
    public PhaseSourceHealth Health
    {
        get
        {
            var worst = PhaseSourceHealth.Healthy;
            foreach (var cell in _cells.Values)
            {
                var health = cell.State.Health;
                worst = health > worst ? health : worst;
            }

            return worst;
        }
    }

    /// <inheritdoc />
    /// <exception cref="PhaseUnavailableException">The entity's flag has never resolved to a valid phase.</exception>
    public MigrationPhase GetPhase(string entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (_cells.TryGetValue(entity, out var cell) && cell.State is { HasPhase: true } state)
        {
            return state.Phase;
        }

        return GetPhaseSlow(entity);
    }

    /// <summary>
    /// Registers entities whose flags every refresh reads, so that they are known before the first call asks
    /// (follow with <see cref="RefreshAsync"/> at startup to fail fast on a bad flag).
    /// </summary>
    /// <exception cref="ArgumentException">An entity name is blank or contains ':'.</exception>
    public void Register(params IEnumerable<string> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        foreach (var entity in entities)
        {
            GetOrAddCell(entity);
        }
    }

    /// <summary>What is known about <paramref name="entity"/>'s flag, or null when it is not registered.</summary>
    public PhaseFlagStatus? GetStatus(string entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return _cells.TryGetValue(entity, out var cell) ? cell.State.ToStatus(cell.Entity, cell.FlagName) : null;
    }

    /// <summary>What is known about every registered entity's flag, ordered by entity.</summary>
    public IReadOnlyList<PhaseFlagStatus> GetStatuses() =>
        [.. _cells.Values.OrderBy(c => c.Entity, StringComparer.Ordinal).Select(c => c.State.ToStatus(c.Entity, c.FlagName))];

    /// <summary>Stops the timer and the reload subscription; cached phases stay readable.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _timer?.Dispose();
        _reloadSubscription?.Dispose();
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private PhaseCell GetOrAddCell(string entity)
    {
        if (_cells.TryGetValue(entity, out var existing))
        {
            return existing;
        }

        var flagName = PhaseFlagSchema.FlagName(_prefix, entity);
        return _cells.GetOrAdd(entity, static (e, name) => new PhaseCell(e, name), flagName);
    }

    private MigrationPhase GetPhaseSlow(string entity)
    {
        var cell = GetOrAddCell(entity);
        if (!cell.State.Loaded)
        {
            // First use before any refresh has read this flag. Blocking is confined to once per entity per
            // process, and Task.Run keeps a caller's synchronization context out of the feature manager's awaits.
            Task.Run(() => RefreshCellAsync(cell, CancellationToken.None)).GetAwaiter().GetResult();
        }

        var state = cell.State;
        if (state.HasPhase)
        {
            return state.Phase;
        }

        throw new PhaseUnavailableException(cell.Entity, cell.FlagName, state.Problem, state.Detail ?? $"feature flag '{cell.FlagName}' has not been read.");
    }
}
