using Bytebot.Streaming.Vnc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Streaming;

public static class StreamingModule
{
    public static IServiceCollection AddStreamingModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }

    public static IEndpointRouteBuilder MapStreamingEndpoints(this IEndpointRouteBuilder endpoints) => endpoints.MapWebsockify();
}
