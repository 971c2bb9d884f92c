using System.CommandLine;

namespace Bytebot.Cli.Commands;

internal static class CancelTask
{
    public static Command Command(GlobalOptions options)
    {
        var id = new Argument<Guid>("id") { Description = "The task's id." };
        var command = new Command("cancel", "Cancels one task (only that one).") { id };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = new Connection.HostClient(options.Target(parse));
            var task = await client.PostAsync($"api/tasks/{parse.GetValue(id)}/cancel", null, cancellationToken);
            if (parse.GetValue(options.Json))
                Output.Document(task);
            else
                Output.Markup($"{parse.GetValue(id)} [bold]{Output.Esc(task.GetProperty("status").GetString())}[/]");
            return ExitCodes.Completed;
        });
        return command;
    }
}
