using System.Text.Json;
using System.Text.Json.Nodes;
using Bytebot.Agent.Conversation;

namespace Bytebot.Agent.Providers;

// Request bodies for the Messages API, written as JSON because its content blocks are Bytebot's own block shapes.
internal static class AnthropicRequestJson
{
    private static JsonObject Ephemeral() => new() { ["type"] = "ephemeral" };

    public static JsonElement SystemPrompt(string prompt) => JsonSerializer.SerializeToElement(new JsonArray(
        new JsonObject { ["type"] = "text", ["text"] = prompt, ["cache_control"] = Ephemeral() }));

    public static JsonElement Tool(ToolDefinition tool, bool cache)
    {
        var json = new JsonObject
        {
            ["name"] = tool.Name,
            ["description"] = tool.Description,
            ["input_schema"] = JsonNode.Parse(tool.InputSchema.GetRawText()),
        };
        if (cache) json["cache_control"] = Ephemeral();
        return JsonSerializer.SerializeToElement(json);
    }

    public static IEnumerable<JsonElement> Messages(IReadOnlyList<ConversationMessage> messages)
    {
        // The cache breakpoint on the newest user block makes the whole history before it a cache read next step.
        var lastUser = messages.Select((m, i) => (m, i)).LastOrDefault(x => x.m.Role == MessageRole.User).i;
        for (var i = 0; i < messages.Count; i++)
        {
            var blocks = new JsonArray([.. messages[i].Content.Select(Block).OfType<JsonObject>()]);
            if (i == lastUser && blocks.Count > 0) blocks[^1]!["cache_control"] = Ephemeral();
            yield return JsonSerializer.SerializeToElement(new JsonObject
            {
                ["role"] = messages[i].Role == MessageRole.User ? "user" : "assistant",
                ["content"] = blocks,
            });
        }
    }

    private static JsonObject? Block(ContentBlock block) => block switch
    {
        TextBlock text => new JsonObject { ["type"] = "text", ["text"] = text.Text },
        ImageBlock image => new JsonObject
        {
            ["type"] = "image",
            ["source"] = Base64Source(image.MediaType, image.Data),
        },
        DocumentBlock { MediaType: var type } document when type.StartsWith("text/", StringComparison.Ordinal) => new JsonObject
        {
            ["type"] = "document",
            ["source"] = new JsonObject { ["type"] = "text", ["media_type"] = "text/plain", ["data"] = System.Text.Encoding.UTF8.GetString(document.Data.Span) },
            ["title"] = document.Name,
        },
        DocumentBlock document => new JsonObject
        {
            ["type"] = "document",
            ["source"] = Base64Source(document.MediaType, document.Data),
            ["title"] = document.Name,
        },
        ToolUseBlock use => new JsonObject
        {
            ["type"] = "tool_use",
            ["id"] = use.Id,
            ["name"] = use.Name,
            ["input"] = JsonNode.Parse(use.Input.GetRawText()),
        },
        ToolResultBlock result => new JsonObject
        {
            ["type"] = "tool_result",
            ["tool_use_id"] = result.ToolUseId,
            ["content"] = new JsonArray([.. result.Content.Select(Block).OfType<JsonObject>()]),
            ["is_error"] = result.IsError,
        },
        // Unsigned thinking (from another provider) is rejected by the API, so it stays out of the request.
        ThinkingBlock { Signature: { } signature } thinking => new JsonObject
        {
            ["type"] = "thinking",
            ["thinking"] = thinking.Thinking,
            ["signature"] = signature,
        },
        _ => null,
    };

    private static JsonObject Base64Source(string mediaType, ReadOnlyMemory<byte> data) => new()
    {
        ["type"] = "base64",
        ["media_type"] = mediaType,
        ["data"] = Convert.ToBase64String(data.Span),
    };
}
