using Bytebot.Agent.Contracts;
using Bytebot.Agent.Loop;
using Bytebot.Agent.Mcp;
using Bytebot.Agent.Plugins;
using Bytebot.Agent.Providers;
using Bytebot.Agent.Tools;
using Bytebot.Tasks.Contracts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Bytebot.Agent;

public static class AgentModule
{
    public static IServiceCollection AddAgentModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ModelCatalog(
            configuration, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ModelCatalog>>()));
        services.AddSingleton<IModelCatalog>(sp => sp.GetRequiredService<ModelCatalog>());
        services.AddHostedService<ModelListRefresher>();
        services.AddSingleton(_ => AgentOptions.FromConfiguration(configuration));
        services.AddSingleton<ModelRouter>();
        services.AddSingleton<ToolKernel>();
        services.AddSingleton<ToolRunner>();
        services.AddComputerMcp();
        services.AddSingleton<AgentParts>();
        // Without a model the worker claims nothing and tasks wait in the queue (DESIGN §1) instead of failing.
        using (var probe = new ModelCatalog(configuration, TimeProvider.System))
        {
            if (probe.Configured.Count > 0)
                services.AddSingleton<ITaskAgent, AgentLoop>();
        }
        return services;
    }

    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder endpoints) => endpoints.MapComputerMcp();
}
