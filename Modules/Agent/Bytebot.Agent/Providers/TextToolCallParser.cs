using System.Text.Json;
using System.Text.RegularExpressions;
using Bytebot.Agent.Conversation;

namespace Bytebot.Agent.Providers;

// Open models served without a tool-call parser (Qwen, Hermes-style templates) write their calls into the text,
// either as <tool_call>{"name":…,"arguments":…}</tool_call> or as one bare JSON object.
internal static partial class TextToolCallParser
{
    [GeneratedRegex(@"<tool_call>\s*(?<json>.*?)\s*</tool_call>", RegexOptions.Singleline)]
    private static partial Regex Tagged();

    [GeneratedRegex(@"^\s*(?:```(?:json)?\s*)?(?<json>\{.*\})\s*(?:```)?\s*$", RegexOptions.Singleline)]
    private static partial Regex Bare();

    public static IReadOnlyList<ContentBlock> Parse(string text, IReadOnlyList<ToolDefinition> tools)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var known = tools.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

        var tagged = Tagged().Matches(text);
        if (tagged.Count > 0)
        {
            var calls = tagged.Select(m => ToCall(m.Groups["json"].Value, known)).OfType<ToolUseBlock>().ToList();
            if (calls.Count == 0) return [new TextBlock(text)];
            var rest = Tagged().Replace(text, "").Trim();
            return [.. rest.Length > 0 ? [new TextBlock(rest)] : Array.Empty<ContentBlock>(), .. calls];
        }

        return Bare().Match(text) is { Success: true } bare && ToCall(bare.Groups["json"].Value, known) is { } call
            ? [call]
            : [new TextBlock(text)];
    }

    // Only names of offered tools count, so JSON the model shows the user as an example stays text.
    private static ToolUseBlock? ToCall(string json, HashSet<string> known)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || !known.Contains(name.GetString()!))
                return null;
            var arguments = root.TryGetProperty("arguments", out var a) ? a
                : root.TryGetProperty("parameters", out var p) ? p
                : default;
            var input = arguments.ValueKind switch
            {
                JsonValueKind.Object => arguments.Clone(),
                // Some templates double-encode the arguments as a JSON string.
                JsonValueKind.String => OpenAICalls.ParseArguments(arguments.GetString()!),
                _ => JsonDocument.Parse("{}").RootElement.Clone(),
            };
            return new ToolUseBlock($"call_{Guid.CreateVersion7():N}", name.GetString()!, input);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
