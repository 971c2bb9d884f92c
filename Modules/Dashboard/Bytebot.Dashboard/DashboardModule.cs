using Bytebot.Dashboard.Components;
using Bytebot.Dashboard.LiveView;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace Bytebot.Dashboard;

public static class DashboardModule
{
    public static IServiceCollection AddDashboardModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // Static server rendering only: blazor.web.js, which every interactive render mode needs, is not on the
        // package registry we build from (ADR 0009). Live parts are plain ES modules.
        services.AddRazorComponents();
        services.AddRadzenComponents();
        return services;
    }

    public static IEndpointRouteBuilder MapDashboardEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRazorComponents<App>();
        endpoints.MapNoVnc();
        return endpoints;
    }
}
