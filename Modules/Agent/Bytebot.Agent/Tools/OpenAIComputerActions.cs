using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bytebot.Agent.Tools;

/// <summary>
/// One action of OpenAI's GA <c>computer</c> tool (an item of a <c>computer_call</c>'s <c>actions</c>) as calls of the
/// Computer plugin's functions. Coordinates are the screenshot's pixels, as the plugin's are.
/// </summary>
internal static class OpenAIComputerActions
{
    // A wheel step scrolls about 100 pixels in Firefox and GTK views; OpenAI's offsets are pixels.
    private const int PixelsPerStep = 100;

    // OpenAI's wait names no duration; its reference loop sleeps a second or two.
    private const int WaitMilliseconds = 1000;

    /// <exception cref="FormatException">The action or one of its fields is not one the tool defines.</exception>
    public static IReadOnlyList<PluginCall> Map(JsonElement action)
    {
        var type = NativeJson.String(action, "type");
        return type switch
        {
            "click" => [Click(action, Button(action), 1)],
            "double_click" => [Click(action, "left", 2)],
            "drag" => [Held(action, new PluginCall("computer_drag_mouse", new() { ["path"] = Path(action), ["button"] = "left" }))],
            "keypress" => [KeyPress(action)],
            "move" => [new("computer_move_mouse", new() { ["coordinates"] = Point(action) })],
            "screenshot" => [new("computer_screenshot", [])],
            "scroll" => Scroll(action),
            "type" => [new("computer_type_text", new() { ["text"] = NativeJson.String(action, "text") })],
            "wait" => [new("computer_wait", new() { ["duration"] = WaitMilliseconds })],
            _ => throw new FormatException($"type: '{type}' is not an action of the computer tool."),
        };
    }

    private static PluginCall Click(JsonElement action, string button, int count) => Held(action,
        new PluginCall("computer_click_mouse", new() { ["coordinates"] = Point(action), ["button"] = button, ["clickCount"] = count }));

    private static string Button(JsonElement action)
    {
        var button = action.TryGetProperty("button", out _) ? NativeJson.String(action, "button") : "left";
        return button switch
        {
            "left" or "right" => button,
            "wheel" => "middle",
            _ => throw new FormatException($"button: '{button}' is not a button this desktop has (left, right, wheel)."),
        };
    }

    private static PluginCall KeyPress(JsonElement action)
    {
        if (!action.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array || keys.GetArrayLength() == 0
            || keys.EnumerateArray().Any(k => k.ValueKind != JsonValueKind.String))
            throw new FormatException("keys: must be a list of key names, e.g. [\"CTRL\", \"S\"].");
        var names = keys.EnumerateArray().Select(k => k.GetString()!).ToArray();
        // "CTRL"+"A" means Control+a: an upper-case letter's own key would add a Shift the model did not ask for.
        var chord = names.Length > 1;
        var pressed = names.Select(name => chord && name.Length == 1 && char.IsAsciiLetterUpper(name[0])
            ? name.ToLowerInvariant()
            : name);
        return new("computer_type_keys", new() { ["keys"] = new JsonArray([.. pressed.Select(n => (JsonNode)n)]), ["chord"] = chord });
    }

    private static PluginCall[] Scroll(JsonElement action)
    {
        var at = Point(action);
        var (dx, dy) = (NativeJson.Int(action, "scroll_x"), NativeJson.Int(action, "scroll_y"));
        PluginCall Step(string direction, int pixels) => Held(action, new PluginCall("computer_scroll", new()
        {
            ["coordinates"] = at.DeepClone(),
            ["direction"] = direction,
            ["scrollCount"] = Math.Max(1, (int)Math.Round(Math.Abs(pixels) / (double)PixelsPerStep)),
        }));
        return
        [
            .. dy == 0 ? [] : new[] { Step(dy > 0 ? "down" : "up", dy) },
            .. dx == 0 ? [] : new[] { Step(dx > 0 ? "right" : "left", dx) },
        ];
    }

    // The GA actions may name keys held during the action (keys: ["SHIFT"]).
    private static PluginCall Held(JsonElement action, PluginCall call)
    {
        if (action.TryGetProperty("keys", out var keys) && keys.ValueKind == JsonValueKind.Array && keys.GetArrayLength() > 0)
            call.Arguments["holdKeys"] = JsonNode.Parse(keys.GetRawText());
        return call;
    }

    private static JsonObject Point(JsonElement action) =>
        new() { ["x"] = NativeJson.Int(action, "x"), ["y"] = NativeJson.Int(action, "y") };

    private static JsonArray Path(JsonElement action)
    {
        if (!action.TryGetProperty("path", out var path) || path.ValueKind != JsonValueKind.Array || path.GetArrayLength() < 2)
            throw new FormatException("path: must be at least two points {x, y}.");
        return new JsonArray([.. path.EnumerateArray().Select(p => (JsonNode)Point(p))]);
    }
}
