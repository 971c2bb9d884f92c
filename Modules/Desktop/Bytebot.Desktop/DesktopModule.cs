using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Desktop.Features.Apps;
using Bytebot.Desktop.Features.Display;
using Bytebot.Desktop.Features.Files;
using Bytebot.Desktop.Health;
using Bytebot.Desktop.Ocr;
using Bytebot.Desktop.VirtualDisplay;
using Bytebot.Platform;
using Bytebot.Platform.Messaging;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bytebot.Desktop;

public static class DesktopModule
{
    public static IServiceCollection AddDesktopModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DesktopOptions>()
            .Configure(options => DesktopOptions.Bind(options, configuration))
            .PostConfigure<Bytebot.Platform.DataDirectory>(ResolutionChoice.Apply)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DesktopOptions>, DesktopOptionsValidator>();
        services.AddSingleton<DesktopSupervisor>();
        services.AddSingleton<IDesktopEnvironment>(sp => sp.GetRequiredService<DesktopSupervisor>());
        services.AddSingleton<Control.DesktopControl>();
        services.AddSingleton<IDesktopControl>(sp => sp.GetRequiredService<Control.DesktopControl>());
        services.AddHostedService(sp => sp.GetRequiredService<DesktopSupervisor>());
        services.AddSingleton<IDesktopDriver, XDesktopDriver>();
        services.AddHealthChecks()
            .AddCheck<DisplayHealthCheck>("display", tags: ["ready"])
            .AddCheck<VncHealthCheck>("vnc", tags: ["ready"]);
        return services.AddComputerUse(configuration);
    }

    private static IServiceCollection AddComputerUse(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ComputerUseOptions>().Configure(options => ComputerUseOptions.Bind(options, configuration));
        services.AddSingleton<ActionQueue>();
        services.AddSingleton<ICommandRunner>(sp => new ProcessCommandRunner(
            sp.GetRequiredService<DesktopSupervisor>().IsManaged ? sp.GetRequiredService<DataDirectory>().Path : null));
        services.AddSingleton<Workspace>();
        services.AddSingleton(sp => new DesktopScreen(sp.GetRequiredService<DesktopSupervisor>(),
            sp.GetRequiredService<IDesktopDriver>(), sp.GetRequiredService<ActionQueue>(),
            sp.GetRequiredService<Control.DesktopControl>()));
        services.AddSingleton<TesseractReader>();
        services.AddSingleton<ScreenReader>();
        services.AddSingleton<Accessibility.AtSpiBus>();
        services.AddSingleton(sp => new DesktopActions(
            sp.GetRequiredService<IDesktopDriver>(), sp.GetRequiredService<ActionQueue>(), sp.GetRequiredService<Workspace>(),
            sp.GetRequiredService<ICommandRunner>(), sp.GetRequiredService<IDesktopEnvironment>(),
            sp.GetRequiredService<IOptions<ComputerUseOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<ScreenReader>(),
            sp.GetRequiredService<Accessibility.AtSpiBus>(), sp.GetService<Bytebot.Secrets.Contracts.ISecretValues>()));
        return services.AddMessageHandlers(typeof(DesktopModule).Assembly);
    }

    public static IEndpointRouteBuilder MapDesktopEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapComputerUse().MapResolution();
}
