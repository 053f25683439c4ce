using DualWrite.Hosting.Flags;
using DualWrite.MySql.Control;
using DualWrite.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.FeatureManagement;

namespace DualWrite.MySql.Tests.Integration.Control;

/// <summary>
/// One application instance as it is wired in production: its own configuration root with the MySQL phase
/// source, a FeatureManager over it, and a phase source fed by that manager.
/// </summary>
internal sealed class AppInstance : IDisposable
{
    private readonly ConfigurationFeatureDefinitionProvider _definitions;

    public AppInstance(PhaseControlTables tables, Action<MySqlPhaseConfigurationOptions>? configure = null, params string[] entities)
    {
        Configuration = new ConfigurationBuilder()
            .AddDualWritePhasesFromMySql(MariaDbServer.ConnectionString(), o =>
            {
                o.Tables = tables;
                configure?.Invoke(o);
            })
            .Build();
        _definitions = new ConfigurationFeatureDefinitionProvider(Configuration);
        var options = new FeatureFlagPhaseSourceOptions();
        foreach (var entity in entities)
        {
            options.Entities.Add(entity);
        }

        Phases = new FeatureFlagPhaseSource(new FeatureManager(_definitions, new FeatureManagementOptions()), Configuration, options, logger: Logger);
    }

    public IConfigurationRoot Configuration { get; }

    public FeatureFlagPhaseSource Phases { get; }

    public CapturingLogger<FeatureFlagPhaseSource> Logger { get; } = new();

    public MySqlPhaseConfigurationProvider Provider => Configuration.Providers.OfType<MySqlPhaseConfigurationProvider>().Single();

    public void Dispose()
    {
        Phases.Dispose();
        _definitions.Dispose();
        ((IDisposable)Configuration).Dispose();
    }
}
