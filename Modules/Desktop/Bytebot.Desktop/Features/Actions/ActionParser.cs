using System.Text.Json;
using Bytebot.Desktop.Contracts;

namespace Bytebot.Desktop.Features.Actions;

/// <summary>
/// Bytebot's wire format (bytebot-api.md §1.4) → <see cref="ComputerAction"/>. Only shape and types are checked here;
/// ranges, keys, screen bounds and paths are checked by the handlers, so bus callers get the same rules.
/// </summary>
internal static class ActionParser
{
    private delegate ComputerAction? Reader(JsonFields fields);

    private static readonly Dictionary<string, Reader> Readers = new(StringComparer.Ordinal)
    {
        ["move_mouse"] = f => f.Point("coordinates", true) is { } c ? new MoveMouse(c) : null,
        ["trace_mouse"] = f => (f.Points("path", true), f.Strings("holdKeys")) is ({ } path, var keys) ? new TraceMouse(path, keys ?? []) : null,
        ["click_mouse"] = f => (f.Enum("button", JsonFields.Buttons, true), f.Int("clickCount", true), f.Point("coordinates"), f.Strings("holdKeys")) is ({ } button, { } count, var at, var keys)
            ? new ClickMouse(button, count, at, keys ?? [])
            : null,
        ["press_mouse"] = f => (f.Enum("button", JsonFields.Buttons, true), f.Enum("press", JsonFields.Presses, true), f.Point("coordinates")) is ({ } button, { } press, var at)
            ? new PressMouse(button, press, at)
            : null,
        ["drag_mouse"] = f => (f.Points("path", true), f.Enum("button", JsonFields.Buttons, true), f.Strings("holdKeys")) is ({ } path, { } button, var keys)
            ? new DragMouse(path, button, keys ?? [])
            : null,
        ["scroll"] = f => (f.Enum("direction", JsonFields.Directions, true), f.Int("scrollCount", true), f.Point("coordinates"), f.Strings("holdKeys")) is ({ } direction, { } count, var at, var keys)
            ? new Scroll(direction, count, at, keys ?? [])
            : null,
        ["type_keys"] = f => (f.Strings("keys", true), f.Int("delay"), f.Bool("chord")) is ({ } keys, var delay, var chord)
            ? new TypeKeys(keys, delay ?? 0, chord ?? false)
            : null,
        ["press_keys"] = f => (f.Strings("keys", true), f.Enum("press", JsonFields.Presses, true)) is ({ } keys, { } press) ? new PressKeys(keys, press) : null,
        ["type_text"] = f => (f.String("text", true), f.Int("delay"), Sensitive(f)) is ({ } text, var delay, var sensitive)
            ? new TypeText(text, delay ?? 0, sensitive)
            : null,
        ["paste_text"] = f => (f.String("text", true), Sensitive(f)) is ({ } text, var sensitive) ? new PasteText(text, sensitive) : null,
        ["wait"] = f => f.Int("duration", true) is { } duration ? new Wait(duration) : null,
        ["screenshot"] = f => (f.Enum("format", JsonFields.Encodings), f.Int("quality"), f.Number("scale"), f.Int("maxWidth"), f.Int("maxHeight"), f.Region("region")) is var (format, quality, scale, maxWidth, maxHeight, region)
            ? new Screenshot(format ?? ImageEncoding.Png, quality, scale, maxWidth, maxHeight, region)
            : null,
        ["zoom"] = f => (f.Corners("region", true), f.Enum("format", JsonFields.Encodings)) is ({ } region, var format)
            ? new Zoom(region, format ?? ImageEncoding.Png)
            : null,
        ["read_screen"] = f => new ReadScreen(f.Corners("region")),
        ["find_text"] = f => (f.String("text", true), f.Corners("region")) is ({ } text, var region) ? new FindText(text, region) : null,
        ["accessibility_tree"] = f => new AccessibilityTree(f.String("window") ?? AccessibilityTree.Active),
        ["click_element"] = f => f.String("id", true) is { } id ? new ClickElement(id) : null,
        ["focus_element"] = f => f.String("id", true) is { } id ? new FocusElement(id) : null,
        ["set_value"] = f => (f.String("id", true), f.String("value", true)) is ({ } id, { } value) ? new SetValue(id, value) : null,
        ["cursor_position"] = _ => new CursorPosition(),
        ["application"] = f => f.String("application", true) is { } name ? new Application(name) : null,
        ["write_file"] = f => (f.String("path", true), f.Base64("data", true)) is ({ } path, { } data) ? new WriteFile(path, data) : null,
        ["read_file"] = f => f.String("path", true) is { } path ? new ReadFile(path) : null,
    };

    public static IReadOnlyCollection<string> Actions => Readers.Keys;

    /// <exception cref="ComputerActionRejectedException">The body is not a valid action; every problem is named.</exception>
    public static ComputerAction Parse(JsonElement body)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var fields = new JsonFields(body, "", errors);
        if (body.ValueKind != JsonValueKind.Object)
            throw new ComputerActionRejectedException("$", "The body must be a JSON object with an 'action' field.");
        var action = fields.String("action", required: true);
        ComputerAction? parsed = null;
        if (action is not null)
        {
            if (Readers.TryGetValue(action, out var read))
            {
                parsed = read(fields);
                fields.RejectUnknown();
            }
            else
                fields.Error("action", $"Unknown action '{action}'; expected one of {string.Join(", ", Readers.Keys)}.");
        }
        if (errors.Count > 0 || parsed is null)
            throw new ComputerActionRejectedException(errors.Count > 0
                ? errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal)
                : new Dictionary<string, string[]> { ["$"] = ["The action is invalid."] });
        return parsed;
    }

    // Bytebot's shared type says `sensitive`, its LLM tool says `isSensitive`; both reach this endpoint in practice.
    private static bool Sensitive(JsonFields fields) => (fields.Bool("sensitive") ?? false) | (fields.Bool("isSensitive") ?? false);
}
