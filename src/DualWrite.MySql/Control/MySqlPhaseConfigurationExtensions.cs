using DualWrite.MySql.Control;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds the MySQL phase table to a configuration as feature flags.</summary>
public static class MySqlPhaseConfigurationExtensions
{
    /// <summary>
    /// Adds the phase table of the database in <paramref name="connectionString"/> as one variant feature flag
    /// per entity, polled every 250 ms by default. Add it after other flag sources so that it wins for the
    /// same flag id.
    /// </summary>
    public static IConfigurationBuilder AddDualWritePhasesFromMySql(
        this IConfigurationBuilder builder, string connectionString, Action<MySqlPhaseConfigurationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new MySqlPhaseConfigurationOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        return builder.Add(new MySqlPhaseConfigurationSource(options));
    }
}
