using Bytebot.Agent;
using Bytebot.Desktop;
using Bytebot.Files;
using Bytebot.Platform;
using Bytebot.Streaming;
using Bytebot.Tasks;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddBytebotPlatform(builder.Configuration);
builder.Services.AddDesktopModule(builder.Configuration);
builder.Services.AddTasksModule(builder.Configuration);
builder.Services.AddAgentModule(builder.Configuration);
builder.Services.AddFilesModule(builder.Configuration);
builder.Services.AddStreamingModule(builder.Configuration);

var app = builder.Build();
app.MapGet("/health/live", () => Results.Ok(new { status = "Healthy" }));
app.MapDesktopEndpoints();
app.MapTasksEndpoints();
app.MapAgentEndpoints();
app.MapFilesEndpoints();
app.MapStreamingEndpoints();
await app.RunAsync();

public partial class Program;
