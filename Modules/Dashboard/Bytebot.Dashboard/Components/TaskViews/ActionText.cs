using System.Text.Json;

namespace Bytebot.Dashboard.Components.TaskViews;

/// <summary>An action's arguments on one line, typed secrets masked (the agent marks them isSensitive).</summary>
internal static class ActionText
{
    public const string Mask = "••••";

    public static string Describe(string name, JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object || name is "computer_screenshot" or "screenshot")
            return "";
        var sensitive = input.TryGetProperty("isSensitive", out var flag) && flag.ValueKind == JsonValueKind.True;
        return string.Join(", ", input.EnumerateObject()
            .Where(p => p.Name != "isSensitive")
            .Select(p => $"{p.Name}: {(sensitive && p.Name is "text" or "value" ? Mask : Value(p.Value))}"));
    }

    private static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Object or JsonValueKind.Array => value.GetRawText(),
        _ => value.ToString(),
    };
}
