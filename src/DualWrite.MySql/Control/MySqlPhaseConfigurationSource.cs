using Microsoft.Extensions.Configuration;

namespace DualWrite.MySql.Control;

/// <summary>
/// A configuration source that serves the MySQL phase table as Microsoft.FeatureManagement variant flags
/// (one per entity, see <see cref="DualWrite.Hosting.Flags.PhaseFlagSchema"/>), polled in the background.
/// Add it with <see cref="MySqlPhaseConfigurationExtensions.AddDualWritePhasesFromMySql(IConfigurationBuilder, string, Action{MySqlPhaseConfigurationOptions}?)"/>.
/// </summary>
public sealed class MySqlPhaseConfigurationSource : IConfigurationSource
{
    /// <summary>Creates the source.</summary>
    public MySqlPhaseConfigurationSource(MySqlPhaseConfigurationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The source's settings.</summary>
    public MySqlPhaseConfigurationOptions Options { get; }

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new MySqlPhaseConfigurationProvider(Options);
}
