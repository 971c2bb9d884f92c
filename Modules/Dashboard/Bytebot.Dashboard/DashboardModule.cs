using Bytebot.Agent.Contracts;
using Bytebot.Dashboard.Circuits;
using Bytebot.Dashboard.Components;
using Bytebot.Dashboard.Components.Approvals;
using Bytebot.Dashboard.Host;
using Bytebot.Dashboard.LiveView;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace Bytebot.Dashboard;

public static class DashboardModule
{
    public static IServiceCollection AddDashboardModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.Configure<HubOptions>(options => options.AddFilter(new SignedInCircuits()));
        services.AddSingleton<SignedInApprovers>();
        services.AddSingleton<IApproverPresence>(sp => sp.GetRequiredService<SignedInApprovers>());
        services.AddScoped<CircuitHandler, SignedInApprovers.Counter>();
        services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            options.SnackbarConfiguration.VisibleStateDuration = 8000;
        });
        services.AddHttpContextAccessor();
        // The session cookie is forwarded by hand per circuit; a shared cookie jar would mix users' sessions.
        services.AddHttpClient(HostApi.ClientName)
            .ConfigurePrimaryHttpMessageHandler(() =>
                new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false });
        services.AddScoped<HostApi>();
        services.AddScoped<ApprovalInbox>();
        services.AddOptions<DashboardOptions>().Bind(configuration.GetSection("Dashboard"))
            .Validate(o => o.StuckAfter > TimeSpan.Zero, "Dashboard:StuckAfter must be a positive time span.")
            .ValidateOnStart();
        return services;
    }

    /// <summary>The dashboard's middleware: a stopping host refuses new circuit connections.</summary>
    public static IApplicationBuilder UseDashboard(this IApplicationBuilder app) =>
        app.UseMiddleware<StoppingHostRefusesCircuits>();

    public static IEndpointRouteBuilder MapDashboardEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRazorComponents<App>().AddInteractiveServerRenderMode().Add(SignedInCircuits.AllowConnecting);
        endpoints.MapNoVnc();
        return endpoints;
    }
}
