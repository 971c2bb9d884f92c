using System.Text.Json.Nodes;

namespace Bytebot.Tests.Fakes.Llm;

/// <summary>
/// Replays a scripted Messages API reply as the server-sent events the API streams when the request says
/// <c>"stream": true</c>, splitting text and tool input into several deltas so the SDK's aggregation is exercised.
/// </summary>
internal static class AnthropicEventStream
{
    public static IEnumerable<string> Events(string messageJson)
    {
        var message = JsonNode.Parse(messageJson)!.AsObject();
        var content = message["content"]!.AsArray();
        var start = message.DeepClone().AsObject();
        start["content"] = new JsonArray();
        start["stop_reason"] = null;
        yield return Event("message_start", new JsonObject { ["message"] = start });

        for (var index = 0; index < content.Count; index++)
        {
            var block = content[index]!.AsObject();
            var (empty, deltaType, field, full) = block["type"]!.GetValue<string>() switch
            {
                "tool_use" => (new JsonObject { ["type"] = "tool_use", ["id"] = block["id"]!.DeepClone(), ["name"] = block["name"]!.DeepClone(), ["input"] = new JsonObject() },
                    "input_json_delta", "partial_json", block["input"]!.ToJsonString()),
                _ => (new JsonObject { ["type"] = "text", ["text"] = "" }, "text_delta", "text", block["text"]!.GetValue<string>()),
            };
            yield return Event("content_block_start", new JsonObject { ["index"] = index, ["content_block"] = empty });
            foreach (var piece in new[] { full[..(full.Length / 2)], full[(full.Length / 2)..] })
                yield return Event("content_block_delta", new JsonObject { ["index"] = index, ["delta"] = new JsonObject { ["type"] = deltaType, [field] = piece } });
            yield return Event("content_block_stop", new JsonObject { ["index"] = index });
        }

        yield return Event("message_delta", new JsonObject
        {
            ["delta"] = new JsonObject { ["stop_reason"] = message["stop_reason"]!.DeepClone(), ["stop_sequence"] = null },
            ["usage"] = message["usage"]!.DeepClone(),
        });
        yield return Event("message_stop", []);
    }

    private static string Event(string type, JsonObject data)
    {
        data["type"] = type;
        return $"event: {type}\ndata: {data.ToJsonString()}\n\n";
    }
}
