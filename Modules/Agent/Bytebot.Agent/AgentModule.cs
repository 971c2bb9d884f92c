using Bytebot.Agent.Contracts;
using Bytebot.Agent.Providers;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bytebot.Agent;

public static class AgentModule
{
    public static IServiceCollection AddAgentModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ModelCatalog(configuration, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IModelCatalog>(sp => sp.GetRequiredService<ModelCatalog>());
        return services;
    }

    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}
