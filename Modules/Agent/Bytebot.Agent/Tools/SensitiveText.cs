using System.Text.Json;
using System.Text.Json.Nodes;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Agent.Tools;

/// <summary>
/// Text the model marks <c>isSensitive</c> (passwords, keys) is typed but never stored: the answer kept in the task's
/// events holds a placeholder, and the real text lives only in memory for the one step that types it.
/// </summary>
internal static class SensitiveText
{
    public const string Placeholder = "[sensitive text, not stored]";

    public static bool IsSensitive(ToolUseContent call) =>
        call.Name is "computer_type_text" or "computer_paste_text"
        && call.Input.ValueKind == JsonValueKind.Object
        && call.Input.TryGetProperty("isSensitive", out var flag) && flag.ValueKind == JsonValueKind.True;

    /// <summary>The call as it may be stored: its text replaced when it is sensitive.</summary>
    public static ToolUseContent Masked(ToolUseContent call)
    {
        if (!IsSensitive(call))
            return call;
        var input = JsonNode.Parse(call.Input.GetRawText())!.AsObject();
        input["text"] = Placeholder;
        return call with { Input = JsonSerializer.SerializeToElement(input) };
    }

    /// <summary>A stored call whose text was masked: it cannot be typed after a restart.</summary>
    public static bool WasMasked(ToolUseContent call) =>
        IsSensitive(call) && call.Input.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String && text.GetString() == Placeholder;
}
