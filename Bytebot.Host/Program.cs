using Bytebot.Agent;
using Bytebot.Channels;
using Bytebot.Dashboard;
using Bytebot.Desktop;
using Bytebot.Files;
using Bytebot.Host.Auth;
using Bytebot.Host.Health;
using Bytebot.Host.OpenApi;
using Bytebot.Host.Security;
using Bytebot.Host.Telemetry;
using Bytebot.Nodes;
using Bytebot.Platform;
using Bytebot.Secrets;
using Bytebot.Streaming;
using Bytebot.Tasks;
using JasperFx;

// The app's own folder, not the working directory: a service unit or the container starts the host from elsewhere,
// and appsettings.json, wwwroot and the static web assets manifest must still be found.
var builder = WebApplication.CreateBuilder(
    new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseStaticWebAssets();
builder.Logging.AddBytebotLogging(builder.Configuration);

builder.Services.AddProblemDetails();
builder.Services.AddBytebotOpenApi();
builder.Services.AddHealthChecks();
builder.Services.AddBytebotTelemetry(builder.Configuration);
builder.Services.AddBytebotAuth(builder.Configuration);
builder.Services.AddBytebotSecurity(builder.Configuration);
builder.Services.AddBytebotPlatform(builder.Configuration, generatedCode: typeof(Program).Assembly);
builder.Services.AddDesktopModule(builder.Configuration);
builder.Services.AddNodesModule(builder.Configuration);
builder.Services.AddTasksModule(builder.Configuration);
builder.Services.AddAgentModule(builder.Configuration);
builder.Services.AddFilesModule(builder.Configuration);
builder.Services.AddStreamingModule(builder.Configuration);
builder.Services.AddChannelsModule(builder.Configuration);
builder.Services.AddSecretsModule(builder.Configuration);
builder.Services.AddDashboardModule(builder.Configuration);

var app = builder.Build();
app.UseMiddleware<RequestSpanEnricher>();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
app.UseDashboard();
app.UseCors();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.UseMiddleware<WebSocketOriginCheck>();
app.UseMiddleware<CookieRequestGuard>();
app.UseAntiforgery();

app.MapBytebotHealth();
app.MapOpenApi("/openapi/v1.json");
app.MapLogin();
app.MapPlatformEndpoints();
app.MapStaticAssets();
app.MapDesktopEndpoints();
app.MapTasksEndpoints();
app.MapNodesEndpoints();
app.MapAgentEndpoints();
app.MapFilesEndpoints();
app.MapStreamingEndpoints();
app.MapChannelsEndpoints();
app.MapSecretsEndpoints();
app.MapDashboardEndpoints();

// `codegen write` (build/codegen) writes Wolverine's handler adapters into Internal/Generated, compiled into this host.
if (args is ["codegen", ..])
    return await app.RunJasperFxCommands(args);

app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Bytebot.Host").LogAdminToken(app.Services.GetRequiredService<AdminToken>());
await app.RunAsync();
return 0;

public partial class Program;
