using System.Text.Json;

namespace Bytebot.Tests.Fakes.Llm;

/// <summary>
/// The Messages API's documented rules on a conversation that the agent loop can break: it starts with a user turn,
/// every tool_use is answered by a tool_result in the very next user message (results first), and every tool_result
/// answers a tool_use of the message right before it.
/// </summary>
internal static class AnthropicRules
{
    /// <summary>
    /// The computer tool is a beta: the API refuses it without the beta named in <c>anthropic-beta</c>.
    /// </summary>
    public static string? BetaViolation(JsonElement request, string? betaHeader)
    {
        if (!request.TryGetProperty("tools", out var tools))
            return null;
        var computer = tools.EnumerateArray().FirstOrDefault(t =>
            t.TryGetProperty("type", out var type)
            && type.GetString()!.StartsWith("computer_", StringComparison.Ordinal));
        if (computer.ValueKind == JsonValueKind.Undefined
            || computer.GetProperty("type").GetString() != "computer_20251124")
            return null;
        return (betaHeader ?? "").Split(',').Any(b => b.Trim() == "computer-use-2025-11-24")
            ? null
            : "tools.0: computer_20251124 requires the anthropic-beta header computer-use-2025-11-24";
    }

    public static string? Violation(JsonElement request)
    {
        if (!request.TryGetProperty("messages", out var messages) || messages.GetArrayLength() == 0)
            return "messages: at least one message is required";
        var list = messages.EnumerateArray().ToList();
        if (list[0].GetProperty("role").GetString() != "user")
            return "messages.0: the first message must use the user role";
        HashSet<string> open = [];
        for (var i = 0; i < list.Count; i++)
        {
            var role = list[i].GetProperty("role").GetString();
            var blocks = Blocks(list[i]);
            if (role == "user")
            {
                var results = blocks.TakeWhile(b => Type(b) == "tool_result").Select(b => b.GetProperty("tool_use_id").GetString()!).ToHashSet();
                if (blocks.Skip(results.Count).Any(b => Type(b) == "tool_result"))
                    return $"messages.{i}: tool_result blocks must come first in the user message";
                if (open.Except(results).FirstOrDefault() is { } unanswered)
                    return $"messages.{i}: tool_use ids were found without tool_result blocks immediately after: {unanswered}";
                if (results.Except(open).FirstOrDefault() is { } stray)
                    return $"messages.{i}: unexpected tool_use_id found in tool_result blocks: {stray}. Each tool_result block must have a corresponding tool_use block in the previous message.";
                open = [];
            }
            else
            {
                if (open.Count > 0)
                    return $"messages.{i}: tool_use ids were found without tool_result blocks immediately after";
                open = [.. blocks.Where(b => Type(b) == "tool_use").Select(b => b.GetProperty("id").GetString()!)];
            }
        }
        return list[^1].GetProperty("role").GetString() == "user" || open.Count == 0 ? null : "the last message must be a user message";
    }

    /// <summary>Image blocks anywhere in the request (inside tool results too).</summary>
    public static int CountImages(JsonElement request) =>
        request.GetProperty("messages").EnumerateArray().SelectMany(Blocks).Sum(CountImagesIn);

    private static int CountImagesIn(JsonElement block) => Type(block) switch
    {
        "image" => 1,
        "tool_result" when block.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array => content.EnumerateArray().Sum(CountImagesIn),
        _ => 0,
    };

    private static List<JsonElement> Blocks(JsonElement message) =>
        message.GetProperty("content") is { ValueKind: JsonValueKind.Array } content ? [.. content.EnumerateArray()] : [];

    private static string? Type(JsonElement block) => block.TryGetProperty("type", out var type) ? type.GetString() : null;
}
