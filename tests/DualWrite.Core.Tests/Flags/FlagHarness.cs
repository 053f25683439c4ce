using DualWrite.Hosting.Flags;
using DualWrite.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.FeatureManagement;

namespace DualWrite.Core.Tests.Flags;

/// <summary>
/// A phase source over a real <see cref="FeatureManager"/> reading a reloadable in-memory configuration, as
/// an application wires it; flags are written in the Microsoft feature-flag schema.
/// </summary>
internal sealed class FlagHarness : IDisposable
{
    private readonly ReloadableConfigurationSource _source = new();
    private readonly ConfigurationFeatureDefinitionProvider _definitions;

    public FlagHarness(IDictionary<string, string?> initial, Action<FeatureFlagPhaseSourceOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        _source.Provider.ReplaceSilently(initial);
        Configuration = new ConfigurationBuilder().Add(_source).Build();
        _definitions = new ConfigurationFeatureDefinitionProvider(Configuration);
        var options = new FeatureFlagPhaseSourceOptions();
        configure?.Invoke(options);
        Source = new FeatureFlagPhaseSource(new FeatureManager(_definitions, new FeatureManagementOptions()), Configuration, options, timeProvider ?? TimeProvider.System, Logger);
    }

    public IConfigurationRoot Configuration { get; }

    public FeatureFlagPhaseSource Source { get; }

    public CapturingLogger<FeatureFlagPhaseSource> Logger { get; } = new();

    /// <summary>Flags for the given entities, each assigning the given variant name.</summary>
    public static Dictionary<string, string?> FlagData(params (string Entity, string Variant)[] flags)
    {
        var data = new Dictionary<string, string?>();
        for (var i = 0; i < flags.Length; i++)
        {
            PhaseFlagSchema.WriteVariantFlag(data, i, PhaseFlagSchema.DefaultFlagNamePrefix + flags[i].Entity, flags[i].Variant);
        }

        return data;
    }

    /// <summary>Replaces the configuration and signals a reload, as a provider does when its data changes.</summary>
    public void Reload(IDictionary<string, string?> data) => _source.Provider.Replace(data);

    /// <summary>Waits (polling, with a deadline) until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold before the deadline.");
            }

            await Task.Delay(5);
        }
    }

    public void Dispose()
    {
        Source.Dispose();
        _definitions.Dispose();
        (Configuration as IDisposable)?.Dispose();
    }
}
