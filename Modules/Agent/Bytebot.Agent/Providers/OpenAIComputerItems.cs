using System.ClientModel.Primitives;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bytebot.Agent.Conversation;
using Bytebot.Agent.Plugins;
using OpenAI;
using OpenAI.Responses;

namespace Bytebot.Agent.Providers;

/// <summary>
/// OpenAI's GA computer tool on the Responses API (ADR 0053). OpenAI 2.15 knows only the preview's shapes
/// (<c>computer_use_preview</c>, one <c>action</c> per call), so the tool is written as raw JSON and a call's
/// <c>actions</c> are read from the item's JSON; the item and its output are still the SDK's types.
/// </summary>
internal static class OpenAIComputerItems
{
    // A computer_call_output must hold an image; an old step's screenshot may have left the context (Agent:KeepImages).
    private static readonly byte[] Blank = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    public static ResponseTool Tool => Read<ResponseTool>("""{"type":"computer"}""");

    /// <summary>A call of the GA tool as the conversation keeps it: the item's own JSON, with its batch of actions.</summary>
    public static ToolUseBlock ToolUse(ComputerCallResponseItem call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var json = JsonNode.Parse(ModelReaderWriter.Write(call, ModelReaderWriterOptions.Json, OpenAIContext.Default))!.AsObject();
        // The SDK writes the preview's single action as null beside the GA batch; it is not part of the call.
        if (json["action"] is null)
            json.Remove("action");
        return new ToolUseBlock(call.CallId, NativeComputer.Name, JsonSerializer.SerializeToElement(json));
    }

    public static bool IsComputerCall(ToolUseBlock use) =>
        use.Name == NativeComputer.Name && use.Input.ValueKind == JsonValueKind.Object
        && use.Input.TryGetProperty("type", out var type) && type.ValueEquals("computer_call");

    /// <summary>The call sent back as the model made it (stateless requests carry the whole history).</summary>
    public static ResponseItem Call(ToolUseBlock use)
    {
        ArgumentNullException.ThrowIfNull(use);
        var item = Read<ResponseItem>(use.Input.GetRawText());
#pragma warning disable SCME0001 // JsonPatch is how the SDK lets a caller drop a field it would write as null
        item.Patch.Remove("$.action"u8);
#pragma warning restore SCME0001
        return item;
    }

    /// <summary>The screenshot after the batch (the newest image of the result).</summary>
    public static ResponseItem Output(ToolResultBlock result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var image = result.Content.OfType<ImageBlock>().LastOrDefault();
        var screenshot = image is null
            ? ComputerCallOutput.CreateComputerScreenshotOutput(BinaryData.FromBytes(Blank), "image/png")
            : ComputerCallOutput.CreateComputerScreenshotOutput(BinaryData.FromBytes(image.Data), image.MediaType);
        return ResponseItem.CreateComputerCallOutputItem(result.ToolUseId, screenshot);
    }

    private static T Read<T>(string json) where T : IPersistableModel<T> =>
        ModelReaderWriter.Read<T>(BinaryData.FromString(json), ModelReaderWriterOptions.Json, OpenAIContext.Default)
        ?? throw new InvalidOperationException($"OpenAI's SDK read no {typeof(T).Name} from {json}.");
}
