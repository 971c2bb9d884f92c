using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Bytebot.Cli.Commands;

internal static class ListNodes
{
    public static Command Command(GlobalOptions options)
    {
        var command = new Command("nodes", "Lists the nodes on the host's database: status, running tasks, desktop.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = new Connection.HostClient(options.Target(parse));
            var nodes = await client.GetAsync("api/nodes", cancellationToken);
            if (parse.GetValue(options.Json))
            {
                Output.Document(nodes);
                return ExitCodes.Completed;
            }
            var table = new Table().AddColumns("name", "status", "running", "desktop", "capabilities", "last seen", "url");
            foreach (var node in nodes.EnumerateArray())
            {
                var desktop = node.GetProperty("desktop");
                table.AddRow(Output.Esc(node.GetProperty("name").GetString()), Output.Esc(node.GetProperty("status").GetString()),
                    node.GetProperty("runningTasks").GetInt32().ToString(CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture,
                        $"{desktop.GetProperty("width").GetInt32()}×{desktop.GetProperty("height").GetInt32()}"),
                    Output.Esc(string.Join(", ", node.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()))),
                    node.GetProperty("lastSeenAt").GetDateTimeOffset().ToLocalTime()
                        .ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    Output.Esc(node.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String
                        ? url.GetString() : ""));
            }
            AnsiConsole.Write(table);
            return ExitCodes.Completed;
        });
        return command;
    }
}
