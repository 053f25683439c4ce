using DualWrite.Core.Diagnostics;
using DualWrite.Core.Phases;
using DualWrite.Core.Rollback;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Hosting.Flags;
using DualWrite.Hosting.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;

namespace DualWrite.Hosting.DependencyInjection;

/// <summary>Adds the phase source, the phase transitioner and the migrated entities to a service collection.</summary>
public sealed class DualWriteBuilder
{
    private const string PhaseFlagsKey = "dualwrite:phase-flags";

    private readonly DualWriteRegistry _registry;

    internal DualWriteBuilder(IServiceCollection services, DualWriteRegistry registry)
    {
        Services = services;
        _registry = registry;
    }

    /// <summary>The services being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Uses <paramref name="factory"/>'s phase source for every entity (a feature-flag source in production).</summary>
    public DualWriteBuilder UsePhaseSource(Func<IServiceProvider, IPhaseSource> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.Replace(ServiceDescriptor.Singleton(factory));
        _registry.HasPhaseSource = true;
        return this;
    }

    /// <summary>
    /// Reads every added entity's phase from its variant feature flag (<c>DualWrite.&lt;entity&gt;</c>, see
    /// <see cref="PhaseFlagSchema"/>) in the application's <see cref="IConfiguration"/>, so any configuration source
    /// can drive the phases: a JSON file, a flag service's provider, or the MySQL phase table. Flags from several
    /// sources are merged by id (the source added last wins), not by array index.
    /// </summary>
    /// <param name="configure">Adjusts the flag name prefix and refresh interval; entities are those added to this builder.</param>
    public DualWriteBuilder UseFeatureFlagPhases(Action<FeatureFlagPhaseSourceOptions>? configure = null)
    {
        var options = new FeatureFlagPhaseSourceOptions();
        configure?.Invoke(options);
        options.Validate();
        // Keyed and owned by the container, which disposes it (it holds a reload subscription).
        Services.TryAddKeyedSingleton(PhaseFlagsKey, (sp, _) => new ConfigurationFeatureDefinitionProvider(
            sp.GetRequiredService<IConfiguration>(), new ConfigurationFeatureDefinitionProviderOptions { CustomConfigurationMergingEnabled = true }));
        return UsePhaseSource(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var definitions = sp.GetRequiredKeyedService<ConfigurationFeatureDefinitionProvider>(PhaseFlagsKey);
            var resolved = new FeatureFlagPhaseSourceOptions { FlagNamePrefix = options.FlagNamePrefix, RefreshInterval = options.RefreshInterval };
            foreach (var entity in options.Entities.Concat(_registry.Entities).Distinct(StringComparer.Ordinal))
            {
                resolved.Entities.Add(entity);
            }

            return new FeatureFlagPhaseSource(
                new FeatureManager(definitions, new FeatureManagementOptions()),
                configuration,
                resolved,
                sp.GetService<TimeProvider>(),
                sp.GetService<ILogger<FeatureFlagPhaseSource>>());
        });
    }

    /// <summary>Uses <paramref name="factory"/>'s transitioner for automatic rollbacks; without one, the policy is not run.</summary>
    public DualWriteBuilder UsePhaseTransitioner(Func<IServiceProvider, IPhaseTransitioner> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.Replace(ServiceDescriptor.Singleton(factory));
        _registry.HasPhaseTransitioner = true;
        return this;
    }

    /// <summary>
    /// Adds <paramref name="entity"/>: its <see cref="DualWriteStore{TKey, TValue}"/> is resolved as the keyed service
    /// <c>IVersionedStore&lt;TKey, TValue&gt;</c> (key: the entity name), and its repair worker runs in the background service.
    /// </summary>
    /// <exception cref="ArgumentException">The entity name is blank or already added.</exception>
    public DualWriteBuilder AddEntity<TKey, TValue>(
        string entity,
        Func<IServiceProvider, IVersionedStore<TKey, TValue>> oldStore,
        Func<IServiceProvider, IVersionedStore<TKey, TValue>> newStore,
        Func<IServiceProvider, IRepairLog<TKey>> repairLog,
        IEqualityComparer<TValue>? valueComparer = null)
        where TKey : notnull
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entity);
        ArgumentNullException.ThrowIfNull(oldStore);
        ArgumentNullException.ThrowIfNull(newStore);
        ArgumentNullException.ThrowIfNull(repairLog);
        if (_registry.Entities.Contains(entity))
        {
            throw new ArgumentException($"Entity '{entity}' was already added.", nameof(entity));
        }

        _registry.Entities.Add(entity);
        Services.AddKeyedSingleton(entity, (sp, _) => new EntityParts<TKey, TValue>(oldStore(sp), newStore(sp), repairLog(sp)));
        _registry.RouterWatches.Add((sp, router) => router.Watch(
            entity,
            sp.GetRequiredKeyedService<EntityParts<TKey, TValue>>(entity).RepairLog,
            sp.GetRequiredService<IOptions<DualWriteOptions>>().Value.For(entity).RepairLookup,
            sp.GetService<ILoggerFactory>()?.CreateLogger<QueryRouter>()));
        Services.AddKeyedSingleton(entity, (sp, _) =>
        {
            var parts = sp.GetRequiredKeyedService<EntityParts<TKey, TValue>>(entity);
            var options = sp.GetRequiredService<IOptions<DualWriteOptions>>().Value.For(entity);
            return new DualWriteStore<TKey, TValue>(entity, parts.Old, parts.New, sp.GetRequiredService<IPhaseSource>(), parts.RepairLog, new()
            {
                SecondaryWrites = options.SecondaryWrites,
                ShadowReads = options.ShadowReads,
                RepairLookup = options.RepairLookup,
                ValueComparer = valueComparer,
                TimeProvider = sp.GetService<TimeProvider>(),
                Metrics = sp.GetRequiredService<DualWriteMetrics>(),
                Objectives = options.AutoRollback.Enabled ? sp.GetRequiredService<SloMonitor>().Register(entity, options.AutoRollback) : null,
                Logger = sp.GetService<ILoggerFactory>()?.CreateLogger<DualWriteStore<TKey, TValue>>(),
            });
        });
        Services.AddKeyedSingleton<IVersionedStore<TKey, TValue>>(entity, (sp, key) => sp.GetRequiredKeyedService<DualWriteStore<TKey, TValue>>(key));
        _registry.RepairRunners.Add(sp =>
        {
            var parts = sp.GetRequiredKeyedService<EntityParts<TKey, TValue>>(entity);
            var batch = sp.GetRequiredService<IOptions<DualWriteOptions>>().Value.For(entity).RepairBatchSize;
            return new RepairRunner<TKey, TValue>(entity, new RepairWorker<TKey, TValue>(entity, parts.Old, parts.New, parts.RepairLog, batch));
        });
        return this;
    }

    /// <summary>The stores and log of one entity, created once so the decorator and the repair worker share them.</summary>
    private sealed record EntityParts<TKey, TValue>(IVersionedStore<TKey, TValue> Old, IVersionedStore<TKey, TValue> New, IRepairLog<TKey> RepairLog)
        where TKey : notnull;

    private sealed class RepairRunner<TKey, TValue>(string entity, RepairWorker<TKey, TValue> worker) : IRepairRunner
        where TKey : notnull
    {
        public string Entity => entity;

        public Task<RepairRunResult> RunOnceAsync(CancellationToken cancellationToken) => worker.RunOnceAsync(cancellationToken);
    }
}
