using DualWrite.Core.Phases;
using DualWrite.Hosting.DependencyInjection;
using DualWrite.MySql;
using DualWrite.MySql.Control;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Wires the MySQL phase control table into <c>services.AddDualWrite(...)</c>.</summary>
public static class MySqlPhaseControlBuilderExtensions
{
    /// <summary>The service key of the data source the phase control uses.</summary>
    public const string DataSourceKey = "dualwrite:phase-control";

    /// <summary>
    /// Registers <see cref="MySqlPhaseControl"/> over the control tables in <paramref name="connectionString"/>'s database
    /// and makes it the phase transitioner, so automatic rollbacks are written (and audited) there like an operator's
    /// moves. Forward moves are held by every registered <see cref="IPhaseGate"/>. Application instances see the
    /// phases through <c>configuration.AddDualWritePhasesFromMySql(...)</c> with <c>UseFeatureFlagPhases()</c>.
    /// </summary>
    /// <param name="builder">The builder from <c>AddDualWrite</c>.</param>
    /// <param name="connectionString">The control database; its credentials are never logged.</param>
    /// <param name="tables">The control table names; the defaults when null.</param>
    public static DualWriteBuilder UseMySqlPhaseControl(this DualWriteBuilder builder, string connectionString, PhaseControlTables? tables = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _ = new MySqlConnectionStringBuilder(connectionString); // a malformed string fails here, at registration
        builder.Services.TryAddKeyedSingleton(DataSourceKey, (_, _) => new MySqlDataSource(connectionString));
        return builder.UseMySqlPhaseControl(sp => sp.GetRequiredKeyedService<MySqlDataSource>(DataSourceKey), tables);
    }

    /// <summary>
    /// Registers <see cref="MySqlPhaseControl"/> over the control tables in the database of the application's own
    /// MySqlConnector data source (the <see cref="MySqlDataSource"/> registered in the container, or the one
    /// <paramref name="dataSource"/> picks), so the phase control shares the application's pool. See the
    /// connection-string overload for what it does.
    /// </summary>
    /// <param name="builder">The builder from <c>AddDualWrite</c>.</param>
    /// <param name="dataSource">Picks the data source; the container's <see cref="MySqlDataSource"/> when null.</param>
    /// <param name="tables">The control table names; the defaults when null.</param>
    public static DualWriteBuilder UseMySqlPhaseControl(this DualWriteBuilder builder, Func<IServiceProvider, MySqlDataSource>? dataSource = null, PhaseControlTables? tables = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var pick = dataSource ?? (sp => sp.GetRequiredService<MySqlDataSource>());
        builder.Services.TryAddSingleton(sp =>
        {
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            return new MySqlPhaseControl(
                pick(sp),
                new PhaseTransitionPlanner(sp.GetServices<IPhaseGate>(), time),
                tables,
                time,
                sp.GetService<ILogger<MySqlPhaseControl>>());
        });
        return builder.UsePhaseTransitioner(sp => sp.GetRequiredService<MySqlPhaseControl>());
    }
}
