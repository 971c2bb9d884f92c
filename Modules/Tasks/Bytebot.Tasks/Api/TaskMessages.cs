using System.Text.Json.Serialization;
using System.Text.Json;
using Bytebot.Tasks.Decisions;
using Marten;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Tasks.Api;

internal sealed record AddMessageRequest(string? Message);

/// <summary>Bytebot's <c>GroupedMessages</c>: consecutive messages of one role (and takeover flag) together.</summary>
internal sealed record MessageGroup(
    string Role, IReadOnlyList<MessageView> Messages,
    [property: JsonPropertyName("take_over"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool TakeOver);

internal static class TaskMessages
{
    public static async Task<IResult> RawAsync(Guid id, string? page, string? limit, TaskViews views, CancellationToken cancellationToken)
    {
        if (ReadTasks.Paging(page, limit, 10) is var (pageNumber, size, error) && error is not null)
            return error;
        if (await views.GetAsync(id, detailed: false, cancellationToken) is null)
            return TaskProblems.NotFound(id);
        return TypedResults.Ok(await views.MessagesAsync(id, pageNumber, size, cancellationToken));
    }

    public static async Task<IResult> ProcessedAsync(Guid id, string? page, string? limit, TaskViews views, CancellationToken cancellationToken)
    {
        if (ReadTasks.Paging(page, limit, 10) is var (pageNumber, size, error) && error is not null)
            return error;
        if (await views.GetAsync(id, detailed: false, cancellationToken) is null)
            return TaskProblems.NotFound(id);
        return TypedResults.Ok(Group(await views.MessagesAsync(id, pageNumber, size, cancellationToken)));
    }

    /// <summary>
    /// Bytebot's UI rules: USER messages made only of tool results are the assistant's doing; USER messages made
    /// only of user_action blocks become their tool_use blocks, shown as ASSISTANT with take_over; then runs of
    /// the same role and flag are grouped.
    /// </summary>
    public static IReadOnlyList<MessageGroup> Group(IReadOnlyList<MessageView> messages)
    {
        var groups = new List<MessageGroup>();
        foreach (var message in messages)
        {
            var blocks = message.Content.EnumerateArray().ToList();
            var (role, takeOver, shown) = (message.Role, false, message);
            if (message.Role == "USER" && blocks.Count > 0 && blocks.All(b => TypeOf(b) == "tool_result"))
                role = "ASSISTANT";
            else if (message.Role == "USER" && blocks.Count > 0 && blocks.All(b => TypeOf(b) == "user_action"))
            {
                var toolUses = blocks.SelectMany(b => b.GetProperty("content").EnumerateArray()).Where(b => TypeOf(b) == "tool_use");
                (role, takeOver) = ("ASSISTANT", true);
                shown = message with { Content = JsonSerializer.SerializeToElement(toolUses) };
            }
            if (groups.Count > 0 && groups[^1].Role == role && groups[^1].TakeOver == takeOver)
                groups[^1] = groups[^1] with { Messages = [.. groups[^1].Messages, shown] };
            else
                groups.Add(new MessageGroup(role, [shown], takeOver));
        }
        return groups;
    }

    private static string? TypeOf(JsonElement block) =>
        block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type", out var type) ? type.GetString() : null;

    public static async Task<IResult> AddAsync(Guid id, HttpRequest request, IDocumentStore store, TaskViews views, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        AddMessageRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<AddMessageRequest>(JsonSerializerOptions.Web, cancellationToken);
        }
        catch (JsonException)
        {
            return TaskProblems.Invalid("message", "The body must be JSON {\"message\": \"…\"}.");
        }
        // Decided once, before the first attempt: a retry after a race appends the same message, not a second one.
        var decision = TaskDecisions.AddMessage(body?.Message, clock.GetUtcNow());
        if (decision.Refusal is { } refusal)
            return TaskProblems.From(refusal);
        var error = await TaskWrites.AppendAsync(store, id, _ => decision, cancellationToken);
        return error ?? TypedResults.Created($"/api/tasks/{id}/messages", await views.GetAsync(id, detailed: false, cancellationToken));
    }
}
