using System.CommandLine;

namespace Bytebot.Cli.Commands;

/// <summary><c>bytebot node drain NAME</c> / <c>undrain NAME</c>: the node finishes its tasks and takes no new ones.</summary>
internal static class DrainNode
{
    public static Command Command(GlobalOptions options) => new("node", "Manages one node.")
    {
        Verb(options, "drain", "Lets the node finish its running tasks; it claims no new ones until undrained."),
        Verb(options, "undrain", "The node claims tasks again."),
    };

    private static Command Verb(GlobalOptions options, string verb, string description)
    {
        var name = new Argument<string>("name") { Description = "The node's name (see bytebot nodes)." };
        var command = new Command(verb, description) { name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = new Connection.HostClient(options.Target(parse));
            var node = await client.PostAsync(
                $"api/nodes/{Uri.EscapeDataString(parse.GetValue(name)!)}/{verb}", null, cancellationToken);
            if (parse.GetValue(options.Json))
                Output.Document(node);
            else
                Output.Markup($"{Output.Esc(node.GetProperty("name").GetString())} "
                    + $"[bold]{Output.Esc(node.GetProperty("status").GetString())}[/]");
            return ExitCodes.Completed;
        });
        return command;
    }
}
