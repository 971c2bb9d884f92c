using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine;

namespace Bytebot.Platform.Messaging;

/// <summary>Wolverine is the in-process bus: modules register their handler assemblies, nothing else.</summary>
public static class MessagingSetup
{
    public static IServiceCollection AddBytebotMessaging(this IServiceCollection services)
    {
        services.AddWolverine(options =>
        {
            // The entry assembly is the host (or a test runner) and holds no handlers; modules name their own.
            options.ApplicationAssembly = typeof(MessagingSetup).Assembly;
        });
        return services;
    }

    /// <summary>Lets Wolverine find the static handlers of <paramref name="assembly"/> (public: its generated code calls them).</summary>
    public static IServiceCollection AddMessageHandlers(this IServiceCollection services, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        // Wolverine logs a failed invocation as an error with its stack trace, under the message type's name (the
        // module's Contracts). The caller gets the exception and maps it (400, 429, 503) or logs it once itself.
        services.AddLogging(logging => logging.AddFilter($"{assembly.GetName().Name}.Contracts", LogLevel.Critical));
        return services.ConfigureWolverine(options => options.Discovery.IncludeAssembly(assembly));
    }
}
