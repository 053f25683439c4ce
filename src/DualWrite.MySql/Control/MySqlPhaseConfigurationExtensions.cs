using DualWrite.MySql.Control;

using MySqlConnector;

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

    /// <summary>
    /// Adds the phase table of <paramref name="dataSource"/>'s database — the application's own MySqlConnector data
    /// source, so the polls share its pool — as one variant feature flag per entity, polled every 250 ms by default.
    /// </summary>
    public static IConfigurationBuilder AddDualWritePhasesFromMySql(
        this IConfigurationBuilder builder, MySqlDataSource dataSource, Action<MySqlPhaseConfigurationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        var options = new MySqlPhaseConfigurationOptions { DataSource = dataSource };
        configure?.Invoke(options);
        return builder.Add(new MySqlPhaseConfigurationSource(options));
    }
}
