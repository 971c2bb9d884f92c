using Bytebot.Platform.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bytebot.Platform;

public static class PlatformModule
{
    public static IServiceCollection AddBytebotPlatform(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => DataDirectory.FromConfiguration(configuration));
        services.TryAddSingleton<BytebotDatabase>();
        return services;
    }
}
