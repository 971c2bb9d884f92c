using System.Text.Json.Nodes;

namespace Bytebot.Desktop.Features.Actions;

/// <summary>One action's wire shape: the fields beside <c>action</c> that <see cref="ActionParser"/> accepts.</summary>
/// <param name="Action">The <c>action</c> value (the MCP tool's name without its prefix).</param>
/// <param name="Description">What it does.</param>
/// <param name="Input">JSON Schema of the other fields (no unknown field is accepted).</param>
internal sealed record ActionSchema(string Action, string Description, JsonObject Input);

/// <summary>
/// The input schemas of Bytebot's zod tool definitions, field for field, plus our screenshot options: the one
/// description of the action surface, served as the MCP tools' input schemas and as <c>POST /computer-use</c>'s body.
/// </summary>
internal static class ActionSchemas
{
    private static JsonObject Coordinates() => Object(new() { ["x"] = Integer(), ["y"] = Integer() }, "x", "y");

    private static JsonObject Path() => new() { ["type"] = "array", ["items"] = Coordinates(), ["minItems"] = 1 };

    private static JsonObject Corners() => new()
    {
        ["type"] = "array",
        ["items"] = Integer(),
        ["minItems"] = 4,
        ["maxItems"] = 4,
        ["description"] = "[x0, y0, x1, y1] in screen pixels; x1 and y1 are exclusive.",
    };

    private static JsonObject Keys() => new() { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } };

    private static JsonObject Button() => Enum("left", "right", "middle");

    private static JsonObject Press() => Enum("up", "down");

    private static JsonObject Integer(int? minimum = null) =>
        minimum is { } min ? new() { ["type"] = "integer", ["minimum"] = min } : new() { ["type"] = "integer" };

    private static JsonObject Text() => new() { ["type"] = "string" };

    private static JsonObject Id(string description) => new() { ["type"] = "string", ["description"] = description };

    private static JsonObject Enum(params string[] values) => new() { ["type"] = "string", ["enum"] = new JsonArray([.. values.Select(v => (JsonNode)v)]) };

    private static JsonObject Object(Dictionary<string, JsonNode> properties, params string[] required) => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject(properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        ["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]),
        ["additionalProperties"] = false,
    };

    private static ActionSchema Tool(string name, string description, JsonObject schema) => new(name, description, schema);

    // Bytebot's shared type says `sensitive`, its LLM tool says `isSensitive`; the parser takes either.
    private static JsonObject Sensitive() => new() { ["type"] = "boolean", ["description"] = "A secret: never logged or recorded." };

    public static IReadOnlyList<ActionSchema> All { get; } =
    [
        Tool("move_mouse", "Moves the mouse cursor to the specified coordinates.",
            Object(new() { ["coordinates"] = Coordinates() }, "coordinates")),
        Tool("trace_mouse", "Moves the mouse along a path of coordinates, optionally holding keys.",
            Object(new() { ["path"] = Path(), ["holdKeys"] = Keys() }, "path")),
        Tool("click_mouse", "Clicks a mouse button, optionally at coordinates and holding keys.",
            Object(new() { ["coordinates"] = Coordinates(), ["button"] = Button(), ["holdKeys"] = Keys(), ["clickCount"] = Integer(1) }, "button", "clickCount")),
        Tool("press_mouse", "Presses or releases a mouse button, optionally at coordinates.",
            Object(new() { ["coordinates"] = Coordinates(), ["button"] = Button(), ["press"] = Press() }, "button", "press")),
        Tool("drag_mouse", "Drags the mouse along a path with a button held, optionally holding keys.",
            Object(new() { ["path"] = Path(), ["button"] = Button(), ["holdKeys"] = Keys() }, "path", "button")),
        Tool("scroll", "Scrolls, optionally at coordinates and holding keys.",
            Object(new() { ["coordinates"] = Coordinates(), ["direction"] = Enum("up", "down", "left", "right"), ["scrollCount"] = Integer(1), ["holdKeys"] = Keys() }, "direction", "scrollCount")),
        Tool("type_keys", "Presses keys one after the other (or together with chord: true), waiting delay ms between them.",
            Object(new() { ["keys"] = Keys(), ["delay"] = Integer(0), ["chord"] = new JsonObject { ["type"] = "boolean" } }, "keys")),
        Tool("press_keys", "Presses or releases keys, for holding modifiers across actions.",
            Object(new() { ["keys"] = Keys(), ["press"] = Press() }, "keys", "press")),
        Tool("type_text", "Types text (any Unicode), waiting delay ms between characters.",
            Object(new() { ["text"] = Text(), ["delay"] = Integer(0), ["isSensitive"] = Sensitive(), ["sensitive"] = Sensitive() }, "text")),
        Tool("paste_text", "Pastes text through the clipboard.",
            Object(new() { ["text"] = Text(), ["isSensitive"] = Sensitive(), ["sensitive"] = Sensitive() }, "text")),
        Tool("wait", "Waits for duration milliseconds (default 500).",
            Object(new() { ["duration"] = Integer(0) })),
        Tool("screenshot", "Takes a screenshot of the screen.",
            Object(new()
            {
                ["format"] = Enum("png", "jpeg", "webp"),
                ["quality"] = Integer(1),
                ["scale"] = new JsonObject { ["type"] = "number", ["exclusiveMinimum"] = 0, ["maximum"] = 1 },
                ["maxWidth"] = Integer(1),
                ["maxHeight"] = Integer(1),
                ["region"] = Object(new() { ["x"] = Integer(0), ["y"] = Integer(0), ["width"] = Integer(1), ["height"] = Integer(1) }, "x", "y", "width", "height"),
            })),
        Tool("zoom", "Shows a region [x0, y0, x1, y1] of the screen (screen pixels, x1 and y1 exclusive) scaled up to the "
            + "screenshot's size, to read small text or aim precisely; coordinates stay those of the full screen.",
            Object(new() { ["region"] = Corners(), ["format"] = Enum("png", "jpeg", "webp") }, "region")),
        Tool("read_screen", "Reads the text on the screen (OCR): lines of words, each with its box in screen pixels and a "
            + "confidence from 0 to 1.",
            Object(new() { ["region"] = Corners() })),
        Tool("find_text", "Finds a text on the screen (OCR, case-insensitive): the boxes in screen pixels of the words that "
            + "hold it, exact matches first, then by confidence; none when it is not there.",
            Object(new() { ["text"] = Text(), ["region"] = Corners() }, "text")),
        Tool("accessibility_tree", "Lists the elements of a window as its application exposes them (AT-SPI): id, role, "
            + "name, states, bounds in screen pixels, actions and value; the window first, then depth first, only what is "
            + "showing. Empty when the application exposes nothing.",
            Object(new() { ["window"] = Id("\"active\" (the default) for the focused window, or a window's id from an earlier tree") })),
        Tool("click_element", "Clicks an element of accessibility_tree by its id: at the centre of its bounds, or by its own "
            + "click action when it has no place on the screen.",
            Object(new() { ["id"] = Id("The element's id from accessibility_tree") }, "id")),
        Tool("focus_element", "Gives an element of accessibility_tree the keyboard focus.",
            Object(new() { ["id"] = Id("The element's id from accessibility_tree") }, "id")),
        Tool("set_value", "Replaces the text of an editable element of accessibility_tree (or sets the number of a slider or "
            + "spin button) without typing.",
            Object(new() { ["id"] = Id("The element's id from accessibility_tree"), ["value"] = Text() }, "id", "value")),
        Tool("cursor_position", "Gets the current position of the mouse cursor.", Object(new())),
        Tool("application", "Opens or focuses an application.",
            Object(new() { ["application"] = Enum("firefox", "1password", "thunderbird", "vscode", "terminal", "desktop", "directory") }, "application")),
        Tool("write_file", "Writes a file (base64 data) into the workspace; relative paths go under the Desktop folder.",
            Object(new() { ["path"] = Text(), ["data"] = Text() }, "path", "data")),
        Tool("read_file", "Reads a file from the workspace; relative paths go under the Desktop folder.",
            Object(new() { ["path"] = Text() }, "path")),
    ];
}
