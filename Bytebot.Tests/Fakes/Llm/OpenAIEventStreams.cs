using System.Text.Json.Nodes;

namespace Bytebot.Tests.Fakes.Llm;

/// <summary>
/// Replays scripted OpenAI replies as the server-sent events the APIs stream when the request says <c>"stream": true</c>:
/// Responses as created / output items / completed events, Chat Completions as chunks with tool-call arguments split
/// into fragments, the usage chunk when the client asked for it, and <c>[DONE]</c>.
/// </summary>
internal static class OpenAIEventStreams
{
    public static IEnumerable<string> Responses(string responseJson)
    {
        var response = JsonNode.Parse(responseJson)!.AsObject();
        var sequence = 0;
        var started = response.DeepClone().AsObject();
        started["status"] = "in_progress";
        started["output"] = new JsonArray();
        started["usage"] = null;
        yield return Event("response.created", new JsonObject { ["sequence_number"] = sequence++, ["response"] = started });
        var output = response["output"]!.AsArray();
        for (var i = 0; i < output.Count; i++)
            yield return Event("response.output_item.done", new JsonObject { ["sequence_number"] = sequence++, ["output_index"] = i, ["item"] = output[i]!.DeepClone() });
        yield return Event("response.completed", new JsonObject { ["sequence_number"] = sequence, ["response"] = response });
    }

    public static IEnumerable<string> ChatCompletions(string completionJson, bool includeUsage)
    {
        var completion = JsonNode.Parse(completionJson)!.AsObject();
        var choice = completion["choices"]![0]!.AsObject();
        var message = choice["message"]!.AsObject();
        JsonObject Chunk(JsonObject delta, string? finish) => new()
        {
            ["id"] = completion["id"]!.DeepClone(),
            ["object"] = "chat.completion.chunk",
            ["created"] = completion["created"]!.DeepClone(),
            ["model"] = completion["model"]!.DeepClone(),
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
        };
        yield return Data(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null));
        if (message["content"]?.GetValue<string>() is { Length: > 0 } text)
        {
            var half = text.Length / 2;
            yield return Data(Chunk(new JsonObject { ["content"] = text[..half] }, null));
            yield return Data(Chunk(new JsonObject { ["content"] = text[half..] }, null));
        }
        var calls = message["tool_calls"]?.AsArray() ?? [];
        for (var i = 0; i < calls.Count; i++)
        {
            var call = calls[i]!;
            var arguments = call["function"]!["arguments"]!.GetValue<string>();
            var half = arguments.Length / 2;
            yield return Data(Chunk(new JsonObject
            {
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["index"] = i, ["id"] = call["id"]!.DeepClone(), ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = call["function"]!["name"]!.DeepClone(), ["arguments"] = arguments[..half] },
                }),
            }, null));
            yield return Data(Chunk(new JsonObject
            {
                ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = i, ["function"] = new JsonObject { ["arguments"] = arguments[half..] } }),
            }, null));
        }
        yield return Data(Chunk([], choice["finish_reason"]!.GetValue<string>()));
        if (includeUsage)
        {
            var usage = Chunk([], null);
            usage["choices"] = new JsonArray();
            usage["usage"] = completion["usage"]!.DeepClone();
            yield return Data(usage);
        }
        yield return "data: [DONE]\n\n";
    }

    private static string Event(string type, JsonObject data)
    {
        data["type"] = type;
        return $"event: {type}\ndata: {data.ToJsonString()}\n\n";
    }

    private static string Data(JsonObject data) => $"data: {data.ToJsonString()}\n\n";
}
