using System.Reflection;
using JasperFx.CodeGeneration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine;

namespace Bytebot.Platform.Messaging;

/// <summary>Wolverine is the in-process bus: modules register their handler assemblies, nothing else.</summary>
public static class MessagingSetup
{
    /// <summary>
    /// With <paramref name="generatedCode"/> (the host's assembly, holding what <c>build/codegen</c> wrote) handler
    /// adapters are loaded from it; without, Wolverine compiles them with Roslyn at their first use.
    /// </summary>
    public static IServiceCollection AddBytebotMessaging(this IServiceCollection services, Assembly? generatedCode)
    {
        services.AddWolverine(options =>
        {
            // Handlers are found in the assemblies modules name, never by scanning the entry assembly (a test runner).
            options.ApplicationAssembly = generatedCode ?? typeof(MessagingSetup).Assembly;
            // Measured here: Roslyn's first compile held the first action after a start for 2.6–9.8 s.
            options.CodeGeneration.TypeLoadMode = generatedCode is null ? TypeLoadMode.Dynamic : TypeLoadMode.Static;
            // Durable scheduled messages (a SCHEDULED task's wake-up) are released by Wolverine's scheduled-job look at
            // its envelope table; its default 5 s made a task start up to 5 s late (measured 4.6 s).
            options.Durability.ScheduledJobPollingTime = TimeSpan.FromMilliseconds(500);
        });
        return services;
    }

    /// <summary>
    /// Lets Wolverine find the static handlers of <paramref name="assembly"/> (public: its generated code calls them).
    /// </summary>
    public static IServiceCollection AddMessageHandlers(this IServiceCollection services, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        // Wolverine logs a failed invocation as an error with its stack trace, under the message type's name (the
        // module's Contracts). The caller gets the exception and maps it (400, 429, 503) or logs it once itself.
        services.AddLogging(logging => logging.AddFilter($"{assembly.GetName().Name}.Contracts", LogLevel.Critical));
        return services.ConfigureWolverine(options => options.Discovery.IncludeAssembly(assembly));
    }
}
