using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Cli.Connection;
using Bytebot.Cli.Following;

namespace Bytebot.Cli.Commands;

/// <summary>
/// <c>bytebot run "task"</c>: creates the task, then follows its event stream, one line per finished step, and ends
/// with the result; the exit code says how the task ended.
/// </summary>
internal static class RunTask
{
    public static Command Command(GlobalOptions options)
    {
        var description = new Argument<string>("task") { Description = "What the agent should do." };
        var node = new Option<string?>("--node") { Description = "Run it on this node (sent only when given)." };
        var model = new Option<string?>("--model") { Description = "A model name from bytebot status (default: the host's)." };
        var files = new Option<FileInfo[]>("--file")
        {
            Description = "A file to upload with the task (repeatable).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        files.AcceptExistingOnly();
        var detach = new Option<bool>("--detach") { Description = "Print the task's id and exit without following it." };
        var command = new Command("run", "Creates a task and streams its steps live until it ends; exit 0 completed, " +
            "1 failed or cancelled, 3 needs help.") { description, node, model, files, detach };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var json = parse.GetValue(options.Json);
            using var client = new HostClient(options.Target(parse));
            var chosen = parse.GetValue(model) is { } name ? await ModelAsync(client, name, cancellationToken) : (JsonElement?)null;
            using var content = Body(parse.GetValue(description)!, parse.GetValue(node), chosen, parse.GetValue(files) ?? []);
            var created = await client.PostAsync("api/tasks", content, cancellationToken);
            var id = created.GetProperty("id").GetGuid();
            if (parse.GetValue(detach))
            {
                if (json)
                    Output.Document(created);
                else
                    Console.Out.WriteLine(id);
                return ExitCodes.Completed;
            }
            if (json)
                Output.Line(new { @event = "created", task = created });
            else
                Output.Markup($"Task [bold]{id}[/] created ({Output.Esc(created.GetProperty("model").GetProperty("name").GetString())})");
            try
            {
                return await FollowAsync(client, id, json, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new CliException($"stopped following task {id}; it goes on (bytebot cancel {id} stops it)",
                    ExitCodes.Interrupted);
            }
        });
        return command;
    }

    private static async Task<JsonElement> ModelAsync(HostClient client, string name, CancellationToken cancellationToken)
    {
        var models = await client.GetAsync("api/tasks/models", cancellationToken);
        foreach (var model in models.EnumerateArray())
        {
            if (string.Equals(model.GetProperty("name").GetString(), name, StringComparison.Ordinal))
                return model;
        }
        var known = string.Join(", ", models.EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        throw new CliException($"--model: the host has no model '{name}'" +
            (known.Length > 0 ? $"; it has {known}" : "; it has none configured"), ExitCodes.Usage);
    }

    // Without files the task goes as JSON; with them as multipart/form-data, which the host streams into its blob
    // store part by part (a large file never sits whole in its memory, nor base64-inflated in ours).
    private static HttpContent Body(string description, string? node, JsonElement? model, FileInfo[] files)
    {
        if (files.Length == 0)
        {
            var body = new Dictionary<string, object> { ["description"] = description };
            if (model is { } m)
                body["model"] = m;
            if (node is not null)
                body["node"] = node;
            return JsonContent.Create(body, options: JsonSerializerOptions.Web);
        }
        var form = new MultipartFormDataContent { { new StringContent(description), "description" } };
        if (model is { } chosen)
            form.Add(new StringContent(chosen.GetRawText()), "model");
        if (node is not null)
            form.Add(new StringContent(node), "node");
        foreach (var file in files)
        {
            var part = new StreamContent(file.OpenRead());
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", file.Name);
        }
        return form;
    }

    private static async Task<int> FollowAsync(HostClient client, Guid id, bool json, CancellationToken cancellationToken)
    {
        var tracker = new StepTracker();
        StatusChange? end = null;
        await foreach (var e in TaskEventReader.ReadAsync(client, id, cancellationToken))
        {
            switch (tracker.Apply(e))
            {
                case StepLine step when json:
                    Output.Line(new { @event = "step", taskId = id, step.Number, step.Actions, step.DurationMs, step.InputTokens,
                        step.OutputTokens, step.Cost, step.Interrupted });
                    break;
                case StepLine step:
                    Output.Markup(Describe(step));
                    break;
                case StatusChange change when json:
                    Output.Line(new { @event = "status", taskId = id, change.Status, change.Reason });
                    end = change.Ends ? change : null;
                    break;
                case StatusChange { Ends: true } change:
                    end = change;
                    break;
                case StatusChange change:
                    Output.Markup($"[bold]{change.Status}[/]" + (change.Reason is { } r ? " " + Output.Esc(r) : ""));
                    break;
            }
            if (end is not null)
                break;
        }
        if (end!.Status == "DELETED")
            throw new CliException($"task {id} was deleted while it ran", ExitCodes.Failed);
        var task = await client.GetAsync($"api/tasks/{id}", cancellationToken);
        var status = task.GetProperty("status").GetString();
        var exit = status switch
        {
            "COMPLETED" => ExitCodes.Completed,
            "NEEDS_HELP" => ExitCodes.NeedsHelp,
            _ => ExitCodes.Failed,
        };
        if (json)
            Output.Line(new { @event = "finished", taskId = id, status, exitCode = exit, task });
        else
            Summarize(task, status);
        return exit;
    }

    private static string Describe(StepLine step)
    {
        var actions = step.Actions.Count == 0 ? "[dim](answer)[/]" : string.Join(", ", step.Actions.Select(a =>
            a.Succeeded ? Output.Esc(a.Name) : $"[red]{Output.Esc(a.Name)} failed: {Output.Esc(a.Error)}[/]"));
        var line = string.Create(CultureInfo.InvariantCulture,
            $"  step {step.Number,3}  {actions}  {Seconds(step.DurationMs)}  {step.InputTokens:N0} in / {step.OutputTokens:N0} out");
        if (step.Cost is { } cost)
            line += string.Create(CultureInfo.InvariantCulture, $"  ${cost:0.0000}");
        return step.Interrupted ? line + "  [yellow]interrupted[/]" : line;
    }

    private static string Seconds(double? ms) =>
        ms is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value / 1000:0.0} s") : "";

    private static void Summarize(JsonElement task, string? status)
    {
        var colour = status switch { "COMPLETED" => "green", "NEEDS_HELP" => "yellow", _ => "red" };
        Output.Markup($"[{colour} bold]{Output.Esc(status)}[/]");
        if (task.TryGetProperty("result", out var result) && result.ValueKind != JsonValueKind.Null)
            Output.Markup("Result: " + Output.Esc(Text(result)));
        if (task.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            Output.Markup((status == "NEEDS_HELP" ? "Needs: " : "Error: ") + Output.Esc(error.GetString()));
        if (task.TryGetProperty("totals", out var totals) && totals.ValueKind == JsonValueKind.Object)
        {
            Output.Markup(Output.Esc(string.Create(CultureInfo.InvariantCulture,
                $"{totals.GetProperty("steps").GetInt32()} steps, {totals.GetProperty("actions").GetInt32()} actions, " +
                $"{totals.GetProperty("inputTokens").GetInt64():N0} in / {totals.GetProperty("outputTokens").GetInt64():N0} out tokens, " +
                $"${totals.GetProperty("cost").GetDecimal():0.0000}")));
        }
    }

    // The agent's result is JSON of its choosing: a string, or an object whose description/summary says it.
    private static string Text(JsonElement result) => result.ValueKind switch
    {
        JsonValueKind.String => result.GetString()!,
        JsonValueKind.Object when result.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String => d.GetString()!,
        JsonValueKind.Object when result.TryGetProperty("summary", out var s) && s.ValueKind == JsonValueKind.String => s.GetString()!,
        _ => result.GetRawText(),
    };
}
