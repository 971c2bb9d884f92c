using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Desktop;

public static class DesktopModule
{
    public static IServiceCollection AddDesktopModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }

    public static IEndpointRouteBuilder MapDesktopEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}
