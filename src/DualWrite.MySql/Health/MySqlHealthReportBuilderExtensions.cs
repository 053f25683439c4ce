using DualWrite.Core.Diagnostics;
using DualWrite.Hosting.DependencyInjection;
using DualWrite.MySql.Control;
using DualWrite.MySql.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Wires the health reports of <c>services.AddDualWrite(...)</c>'s decorators into the MySQL control database.</summary>
public static class MySqlHealthReportBuilderExtensions
{
    /// <summary>
    /// Publishes this instance's decorator figures (secondary writes and failures, shadow reads and mismatches, per
    /// entity, from the <see cref="DualWriteMetrics"/> the decorators record into) every
    /// <see cref="MySqlHealthReportOptions.Interval"/> into the health report table beside the phase tables of
    /// <c>UseMySqlPhaseControl(...)</c>, which must be called on the same builder. The <c>secondary-errors</c> gate of
    /// <c>dualwrite phase advance</c> reads them.
    /// </summary>
    /// <param name="builder">The builder from <c>AddDualWrite</c>.</param>
    /// <param name="configure">Sets the instance name, interval and retention.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static DualWriteBuilder UseMySqlHealthReports(this DualWriteBuilder builder, Action<MySqlHealthReportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new MySqlHealthReportOptions();
        configure?.Invoke(options);
        options.Validate();
        builder.Services.TryAddSingleton(sp =>
        {
            var control = sp.GetService<MySqlPhaseControl>() ?? throw new InvalidOperationException(
                "UseMySqlHealthReports() writes beside the phase tables: call UseMySqlPhaseControl(...) on the same AddDualWrite builder.");
            return new MySqlHealthReporter(
                control.DataSource,
                control.Tables,
                sp.GetRequiredService<DualWriteMetrics>(),
                options,
                sp.GetService<TimeProvider>(),
                sp.GetService<ILogger<MySqlHealthReporter>>());
        });
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MySqlHealthReportService>());
        return builder;
    }
}
