using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bytebot.Agent.Tools;

/// <summary>
/// One action of Anthropic's <c>computer_20251124</c> as calls of the Computer plugin's functions. Coordinates stay in
/// the screenshot's pixels (the plugin's frame); keys are xdotool-style ("ctrl+s"), which the desktop's key names read.
/// </summary>
internal static class AnthropicComputerActions
{
    /// <exception cref="FormatException">The action or one of its fields is not one the tool defines.</exception>
    public static IReadOnlyList<PluginCall> Map(JsonElement input)
    {
        var action = NativeJson.String(input, "action");
        return action switch
        {
            "screenshot" => [new("computer_screenshot", [])],
            "left_click" => [Click(input, "left", 1)],
            "right_click" => [Click(input, "right", 1)],
            "middle_click" => [Click(input, "middle", 1)],
            "double_click" => [Click(input, "left", 2)],
            "triple_click" => [Click(input, "left", 3)],
            "mouse_move" => [new("computer_move_mouse", new() { ["coordinates"] = Point(input, "coordinate") })],
            "left_click_drag" => [new("computer_drag_mouse", new()
            {
                ["path"] = new JsonArray(Point(input, "start_coordinate"), Point(input, "coordinate")),
                ["button"] = "left",
            })],
            "left_mouse_down" => [Press(input, "down")],
            "left_mouse_up" => [Press(input, "up")],
            "scroll" => [Scroll(input)],
            "type" => [new("computer_type_text", new() { ["text"] = NativeJson.String(input, "text") })],
            "key" => [.. Combos(NativeJson.String(input, "text")).Select(keys => new PluginCall("computer_type_keys",
                new() { ["keys"] = Keys(keys), ["chord"] = keys.Length > 1 }))],
            "hold_key" => HoldKey(input),
            "wait" => [new("computer_wait", new() { ["duration"] = Milliseconds(input) })],
            "cursor_position" => [new("computer_cursor_position", [])],
            "zoom" => [new("computer_zoom", new() { ["region"] = Region(input) })],
            _ => throw new FormatException($"action: '{action}' is not an action of the computer tool."),
        };
    }

    private static PluginCall Click(JsonElement input, string button, int count)
    {
        var arguments = new JsonObject { ["button"] = button, ["clickCount"] = count };
        if (input.TryGetProperty("coordinate", out _))
            arguments["coordinates"] = Point(input, "coordinate");
        if (Modifiers(input) is { } held)
            arguments["holdKeys"] = held;
        return new("computer_click_mouse", arguments);
    }

    private static PluginCall Press(JsonElement input, string press)
    {
        var arguments = new JsonObject { ["button"] = "left", ["press"] = press };
        if (input.TryGetProperty("coordinate", out _))
            arguments["coordinates"] = Point(input, "coordinate");
        return new("computer_press_mouse", arguments);
    }

    private static PluginCall Scroll(JsonElement input)
    {
        var arguments = new JsonObject
        {
            ["coordinates"] = Point(input, "coordinate"),
            ["direction"] = NativeJson.String(input, "scroll_direction"),
            ["scrollCount"] = input.TryGetProperty("scroll_amount", out _) ? NativeJson.Int(input, "scroll_amount") : 3,
        };
        if (Modifiers(input) is { } held)
            arguments["holdKeys"] = held;
        return new("computer_scroll", arguments);
    }

    // The keys are released even when the wait fails, so that none stays held down for the next action.
    private static PluginCall[] HoldKey(JsonElement input)
    {
        var keys = Keys(NativeJson.String(input, "text").Split('+'));
        return
        [
            new("computer_press_keys", new() { ["keys"] = keys, ["press"] = "down" }),
            new("computer_wait", new() { ["duration"] = Milliseconds(input) }),
            new("computer_press_keys", new() { ["keys"] = keys.DeepClone(), ["press"] = "up" }, Always: true),
        ];
    }

    private static JsonArray? Modifiers(JsonElement input) =>
        input.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String && text.GetString() is { Length: > 0 } held
            ? Keys(held.Split('+'))
            : null;

    // "ctrl+a Delete" is two presses, as xdotool reads it; a lone "+" is the plus key.
    private static IEnumerable<string[]> Combos(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Select(combo => combo == "+" ? ["plus"] : combo.Split('+'));

    private static JsonArray Keys(string[] keys) => new([.. keys.Select(key => (JsonNode)key)]);

    private static JsonObject Point(JsonElement input, string field)
    {
        if (!input.TryGetProperty(field, out var point) || point.ValueKind != JsonValueKind.Array || point.GetArrayLength() != 2
            || !point[0].TryGetInt32(out var x) || !point[1].TryGetInt32(out var y))
            throw new FormatException($"{field}: must be [x, y] in the screenshot's pixels.");
        return new JsonObject { ["x"] = x, ["y"] = y };
    }

    private static JsonArray Region(JsonElement input)
    {
        if (!input.TryGetProperty("region", out var region) || region.ValueKind != JsonValueKind.Array
            || region.GetArrayLength() != 4 || region.EnumerateArray().Any(v => !v.TryGetInt32(out _)))
            throw new FormatException("region: must be [x0, y0, x1, y1] in the screenshot's pixels.");
        return new JsonArray([.. region.EnumerateArray().Select(v => (JsonNode)v.GetInt32())]);
    }

    // The tool's durations are seconds (fractions allowed); the plugin's are milliseconds.
    private static int Milliseconds(JsonElement input)
    {
        if (!input.TryGetProperty("duration", out var duration) || !duration.TryGetDouble(out var seconds) || seconds < 0
            || seconds > 100)
            throw new FormatException("duration: must be a number of seconds from 0 to 100.");
        return (int)Math.Round(seconds * 1000, MidpointRounding.AwayFromZero);
    }
}
