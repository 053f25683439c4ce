using DualWrite.Core.Diagnostics;
using DualWrite.Core.Rollback;
using DualWrite.Core.Routing;
using DualWrite.Hosting.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DualWrite.Hosting.DependencyInjection;

/// <summary>Registers DualWrite with a service collection.</summary>
public static class DualWriteServiceCollectionExtensions
{
    /// <summary>Adds DualWrite with options set by <paramref name="configure"/>; validated when the host starts.</summary>
    public static DualWriteBuilder AddDualWrite(this IServiceCollection services, Action<DualWriteOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddCore(services);
        services.Configure(configure);
        return builder;
    }

    /// <summary>Adds DualWrite with options bound from <paramref name="section"/> (usually <c>DualWrite</c>); validated when the host starts.</summary>
    public static DualWriteBuilder AddDualWrite(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var builder = AddCore(services);
        services.AddOptions<DualWriteOptions>().Bind(section, o => o.ErrorOnUnknownConfiguration = true);
        return builder;
    }

    private static DualWriteBuilder AddCore(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(DualWriteRegistry)))
        {
            throw new InvalidOperationException("AddDualWrite was already called on this service collection; add every entity through the builder it returned.");
        }

        var registry = new DualWriteRegistry();
        services.AddSingleton(registry);
        services.AddOptions<DualWriteOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DualWriteOptions>, DualWriteOptionsValidator>();
        services.TryAddSingleton(sp => new DualWriteMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(sp => new SloMonitor(sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            var router = new QueryRouter(sp.GetRequiredService<IPhaseSource>(), sp.GetService<TimeProvider>());
            foreach (var watch in registry.RouterWatches)
            {
                watch(sp, router);
            }

            return router;
        });
        services.AddHostedService<DualWriteBackgroundService>();
        return new DualWriteBuilder(services, registry);
    }
}
