using DualWrite.Dashboard;
using Microsoft.Extensions.DependencyInjection.Extensions;

// The root namespace of the host's DI, like the framework's own AddXxx extensions.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the dashboard's services.</summary>
public static class DashboardServiceCollectionExtensions
{
    /// <summary>Adds the dashboard over the plan and servers <paramref name="configure"/> sets; map it with <c>MapDualWriteDashboard</c>.</summary>
    public static IServiceCollection AddDualWriteDashboard(this IServiceCollection services, Action<DualWriteDashboardOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new DualWriteDashboardOptions();
        configure(options);
        _ = options.RequiredPlan;
        services.TryAddSingleton(options);
        services.TryAddSingleton<EntityStatusReader>();
        services.TryAddSingleton<ReconcileJobs>();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "dualwrite.antiforgery";
            o.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
            o.HeaderName = Microsoft.AspNetCore.Builder.DashboardEndpoints.AntiforgeryHeader;
        });
        return services;
    }
}
