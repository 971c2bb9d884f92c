using System.Reflection;
using Bytebot.Platform.Backup;
using Bytebot.Platform.Events;
using Bytebot.Platform.Files;
using Bytebot.Platform.Messaging;
using Bytebot.Platform.Postgres;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bytebot.Platform;

public static class PlatformModule
{
    // generatedCode: the assembly holding pre-generated Wolverine handler code (the host's), if any.
    public static IServiceCollection AddBytebotPlatform(
        this IServiceCollection services, IConfiguration configuration, Assembly? generatedCode = null)
    {
        // First hosted service: its StartingAsync brings the database up before any other service starts.
        // The configuration is read when the host starts, so sources added after this call (tests) still count.
        services.AddHostedService(provider => ActivatorUtilities.CreateInstance<DatabaseLifecycle>(provider, configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => DataDirectory.FromConfiguration(configuration));
        services.TryAddSingleton<BytebotDatabase>();
        // One workspace root (Desktop:WorkspaceRoot) and one confinement for the files API and the file actions.
        services.TryAddSingleton(_ => ConfinedWorkspace.FromConfiguration(configuration));
        services.TryAddSingleton<MigrationRunner>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);

        services.AddMartenEventStore();
        services.AddMigrations(LegacyEventImport.Module, LegacyEventImport.Migration);

        services.AddBytebotMessaging(generatedCode);
        return services;
    }

    public static IEndpointRouteBuilder MapPlatformEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // The archive holds the key ring, which decrypts the secrets vault: an admin's only.
        endpoints.MapGet("/api/admin/backup", TakeBackup.HandleAsync).WithTags("Admin")
            .WithName("TakeBackup")
            .WithSummary("Streams a consistent backup (tar): database dump, blobs, key ring, manifest with checksums.")
            .RequireAuthorization(policy => policy.RequireRole("admin"))
            .Produces(StatusCodes.Status200OK, contentType: "application/x-tar");
        return endpoints;
    }
}
