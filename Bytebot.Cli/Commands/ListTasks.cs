using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Bytebot.Cli.Commands;

internal static class ListTasks
{
    private static readonly string[] Statuses = ["PENDING", "RUNNING", "NEEDS_HELP", "NEEDS_REVIEW", "COMPLETED", "CANCELLED", "FAILED"];

    public static Command Command(GlobalOptions options)
    {
        var status = new Option<string[]>("--status")
        {
            Description = "Only tasks with this status (repeatable): " + string.Join(", ", Statuses) + ".",
            AllowMultipleArgumentsPerToken = true,
        };
        status.Validators.Add(r =>
        {
            if (r.GetValue(status)?.FirstOrDefault(s => !Statuses.Contains(s, StringComparer.OrdinalIgnoreCase)) is { } bad)
                r.AddError($"--status: '{bad}' is not a status; use {string.Join(", ", Statuses)}.");
        });
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first.", DefaultValueFactory = _ => 20 };
        limit.Validators.Add(r =>
        {
            if (r.GetValue(limit) is < 1 or > 100)
                r.AddError("--limit must be between 1 and 100.");
        });
        var command = new Command("tasks", "Lists tasks, newest first.") { status, limit };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var wanted = (parse.GetValue(status) ?? []).Select(s => s.ToUpperInvariant()).Distinct().ToArray();
            var query = string.Create(CultureInfo.InvariantCulture, $"api/tasks?limit={parse.GetValue(limit)}");
            if (wanted.Length > 0)
                query += "&statuses=" + Uri.EscapeDataString(string.Join(",", wanted));
            using var client = new Connection.HostClient(options.Target(parse));
            var page = await client.GetAsync(query, cancellationToken);
            if (parse.GetValue(options.Json))
            {
                Output.Document(page);
                return ExitCodes.Completed;
            }
            var table = new Table().AddColumns("id", "status", "created", "description");
            foreach (var task in page.GetProperty("tasks").EnumerateArray())
            {
                table.AddRow(task.GetProperty("id").GetString()!, task.GetProperty("status").GetString()!,
                    task.GetProperty("createdAt").GetDateTimeOffset().ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    Output.Esc(Shorten(task.GetProperty("description").GetString())));
            }
            AnsiConsole.Write(table);
            Output.Markup($"{page.GetProperty("total").GetInt64()} in all");
            return ExitCodes.Completed;
        });
        return command;
    }

    private static string Shorten(string? text) =>
        text is null ? "" : text.Length <= 60 ? text.ReplaceLineEndings(" ") : text[..59].ReplaceLineEndings(" ") + "…";
}
