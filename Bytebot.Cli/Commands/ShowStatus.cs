using System.CommandLine;
using System.Net;
using System.Reflection;
using System.Text.Json;
using Spectre.Console;

namespace Bytebot.Cli.Commands;

/// <summary><c>bytebot status</c>: readiness and its components, the API version, the desktop and the models.</summary>
internal static class ShowStatus
{
    public static string CliVersion { get; } =
        typeof(ShowStatus).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static Command Command(GlobalOptions options)
    {
        var command = new Command("status", "The host's readiness (database, display, VNC), version, desktop and models; " +
            "exits 0 when ready, 1 when not.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = new Connection.HostClient(options.Target(parse));
            // Readiness answers 503 with the same body when a component is down: that is a status to show, not an error.
            var ready = await client.GetAsync("health/ready", cancellationToken, HttpStatusCode.ServiceUnavailable);
            var api = await client.GetAsync("openapi/v1.json", cancellationToken);
            var desktop = await client.GetAsync("api/desktop/resolution", cancellationToken);
            var models = await client.GetAsync("api/tasks/models", cancellationToken);
            var healthy = ready.GetProperty("status").GetString() != "Unhealthy";
            var apiVersion = api.GetProperty("info").GetProperty("version").GetString();
            if (parse.GetValue(options.Json))
            {
                Output.Document(new { url = client.Url, ready = ready, apiVersion, cliVersion = CliVersion, desktop, models });
                return healthy ? ExitCodes.Completed : ExitCodes.Failed;
            }
            Output.Markup($"[bold]{Output.Esc(client.Url.ToString())}[/] {(healthy ? "[green]ready[/]" : "[red]not ready[/]")} " +
                $"({Output.Esc(ready.GetProperty("status").GetString())}), API {Output.Esc(apiVersion)}, CLI {Output.Esc(CliVersion)}");
            var components = new Table().AddColumns("component", "status", "detail");
            foreach (var component in ready.GetProperty("components").EnumerateObject())
            {
                components.AddRow(Output.Esc(component.Name), Output.Esc(component.Value.GetProperty("status").GetString()),
                    Output.Esc(component.Value.TryGetProperty("description", out var d) ? d.GetString() : ""));
            }
            AnsiConsole.Write(components);
            Output.Markup($"Desktop {desktop.GetProperty("width").GetInt32()}×{desktop.GetProperty("height").GetInt32()}" +
                (desktop.GetProperty("changeable").GetBoolean() ? " (managed)" : ""));
            Output.Markup(models.GetArrayLength() == 0
                ? "[yellow]No model is configured[/]; tasks wait in the queue until one is."
                : "Models: " + string.Join(", ", models.EnumerateArray().Select(Describe)));
            return healthy ? ExitCodes.Completed : ExitCodes.Failed;
        });
        return command;
    }

    private static string Describe(JsonElement model) =>
        Output.Esc($"{model.GetProperty("name").GetString()} ({model.GetProperty("provider").GetString()})");
}
