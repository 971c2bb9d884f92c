using System.Text.Json;
using Bytebot.Agent.Providers;

namespace Bytebot.Agent.Tools;

/// <summary>
/// Bytebot's tool surface (bytebot-api.md §2.6) with its schemas, so prompts and models tuned for Bytebot keep working.
/// Coordinates are in the pixels of the screenshots the model receives; the loop maps them to the screen.
/// </summary>
internal static class BytebotTools
{
    public const string SetTaskStatus = "set_task_status";
    public const string CreateTask = "create_task";
    public const string ComputerPrefix = "computer_";
    private const string Screenshot = "computer_screenshot";
    private const string ReadFile = "computer_read_file";
    private const string CursorPosition = "computer_cursor_position";
    public const string FindText = "computer_find_text";
    public const string ClickText = "computer_click_text";

    public static readonly string[] Applications = ["firefox", "1password", "thunderbird", "vscode", "terminal", "directory", "desktop", "editor"];

    private const string Coordinates = """{"type":"object","description":"A point on the screenshot, in its pixels.","properties":{"x":{"type":"integer","description":"Pixels from the left edge"},"y":{"type":"integer","description":"Pixels from the top edge"}},"required":["x","y"]}""";
    private const string Path = """{"type":"array","description":"Points on the screenshot, in its pixels.","items":""" + Coordinates + "}";
    private const string HoldKeys = """{"type":"array","description":"Keys held down during the action, e.g. [\"Shift\"]","items":{"type":"string"}}""";
    private const string Region = """{"type":"array","items":{"type":"integer"},"minItems":4,"maxItems":4,"description":"Where to look: [x0, y0, x1, y1] in the screenshot's pixels; the whole screen when left out"}""";
    private const string Button = """{"type":"string","enum":["left","right","middle"]}""";

    public static IReadOnlyList<ToolDefinition> All { get; } =
    [
        Tool("computer_move_mouse", "Moves the mouse pointer to the given coordinates.",
            Object(["coordinates"], ("coordinates", Coordinates))),
        Tool("computer_trace_mouse", "Moves the mouse along a path of points, optionally holding keys.",
            Object(["path"], ("path", Path), ("holdKeys", HoldKeys))),
        Tool("computer_click_mouse", "Clicks a mouse button at the coordinates (or where the pointer is when coordinates are null). Click the visual centre of the target.",
            Object(["button", "clickCount"], ("coordinates", Coordinates), ("button", Button), ("holdKeys", HoldKeys), ("clickCount", """{"type":"integer","description":"1 for a click, 2 for a double click","default":1}"""))),
        Tool("computer_press_mouse", "Presses or releases a mouse button, optionally after moving to the coordinates.",
            Object(["button", "press"], ("coordinates", Coordinates), ("button", Button), ("press", """{"type":"string","enum":["up","down"]}"""))),
        Tool("computer_drag_mouse", "Drags along a path of points with a button held.",
            Object(["path", "button"], ("path", Path), ("button", Button), ("holdKeys", HoldKeys))),
        Tool("computer_scroll", "Scrolls at the coordinates.",
            Object(["coordinates", "direction", "scrollCount"], ("coordinates", Coordinates), ("direction", """{"type":"string","enum":["up","down","left","right"]}"""), ("scrollCount", """{"type":"integer","description":"Number of wheel steps"}"""), ("holdKeys", HoldKeys))),
        Tool("computer_type_keys", "Presses and releases keys one after the other (a shortcut: hold modifiers with press_keys or pass them in order, e.g. [\"Control\",\"c\"] with chord). Key names are case-sensitive, e.g. Return, Tab, Escape, BackSpace, Control, Shift, Alt, Super, F5, Up, Page_Down, a, A, 1.",
            """{"type":"object","properties":{"keys":{"type":"array","items":{"type":"string"}},"delay":{"type":"integer","description":"Milliseconds between keys"},"chord":{"type":"boolean","description":"Press all keys together, e.g. Control+c"}},"required":["keys"]}"""),
        Tool("computer_press_keys", "Holds keys down or releases them.",
            """{"type":"object","properties":{"keys":{"type":"array","items":{"type":"string"}},"press":{"type":"string","enum":["up","down"]}},"required":["keys","press"]}"""),
        Tool("computer_type_text", "Types text (any Unicode). Use for short strings; set isSensitive for passwords and secrets so they are masked in the task log.",
            """{"type":"object","properties":{"text":{"type":"string"},"delay":{"type":"integer","description":"Milliseconds between characters"},"isSensitive":{"type":"boolean"}},"required":["text"]}"""),
        Tool("computer_paste_text", "Pastes text through the clipboard. Use for long text or text with special characters; set isSensitive for secrets.",
            """{"type":"object","properties":{"text":{"type":"string"},"isSensitive":{"type":"boolean"}},"required":["text"]}"""),
        Tool("computer_wait", "Waits, e.g. for a page to load.",
            """{"type":"object","properties":{"duration":{"type":"integer","enum":[500],"description":"Milliseconds"}},"required":["duration"]}"""),
        Tool(Screenshot, "Takes a screenshot of the screen.", """{"type":"object","properties":{}}"""),
        Tool("computer_zoom", "Shows a region of the screenshot enlarged, to read small text or aim precisely. The zoomed image is not a new coordinate frame: keep using the full screenshot's coordinates.",
            Object(["region"], ("region", """{"type":"array","items":{"type":"integer"},"minItems":4,"maxItems":4,"description":"[x0, y0, x1, y1] in the screenshot's pixels: top-left corner and bottom-right corner (exclusive)"}"""))),
        Tool("computer_read_screen", "Reads the text on the screen (OCR): each line with its box [x0, y0, x1, y1] in screenshot pixels. Slower than a screenshot (about half a second); use it to read text you cannot make out.",
            Object([], ("region", Region))),
        Tool(FindText, "Finds a text on the screen (OCR, case-insensitive) and answers the boxes of the words that hold it, best first, with their centres in screenshot pixels.",
            Object(["text"], ("text", """{"type":"string"}"""), ("region", Region))),
        Tool(ClickText, "Clicks the centre of the best match of a text on the screen (OCR), e.g. a button or menu label; fails when the text is not there. More reliable than guessing coordinates for labelled targets.",
            Object(["text"], ("text", """{"type":"string"}"""), ("button", Button), ("clickCount", """{"type":"integer","default":1}"""), ("region", Region))),
        Tool("computer_accessibility_tree", "Lists the elements of the focused window (or of the window whose id you pass) as its application exposes them: id, role, name, box in screenshot pixels, states, actions and value. Faster and more exact than reading a screenshot for menus, buttons and fields; empty for apps that expose nothing.",
            Object([], ("window", """{"type":"string","description":"A window's id from an earlier tree; the focused window when left out"}"""))),
        Tool("computer_click_element", "Clicks an element of computer_accessibility_tree by its id (at its centre, or by its own action when it is off the screen).",
            Object(["id"], ("id", """{"type":"string"}"""))),
        Tool("computer_focus_element", "Gives an element of computer_accessibility_tree the keyboard focus, by its id.",
            Object(["id"], ("id", """{"type":"string"}"""))),
        Tool("computer_set_value", "Replaces the text of a field of computer_accessibility_tree (or the number of a slider or spin button) by its id, without typing. Do not use it for secrets.",
            Object(["id", "value"], ("id", """{"type":"string"}"""), ("value", """{"type":"string"}"""))),
        Tool("computer_application", "Opens or focuses an application, or shows the desktop. Use this to switch applications, not keyboard shortcuts.",
            Object(["application"], ("application", """{"type":"string","enum":""" + JsonSerializer.Serialize(Applications) + "}"))),
        Tool(CursorPosition, "Reports the mouse pointer's position in screenshot pixels.", """{"type":"object","properties":{}}"""),
        Tool(SetTaskStatus, "Ends the task: 'completed' when it is done and verified, 'needs_help' when a human must act (login, captcha, unclear request) after you tried other ways.",
            """{"type":"object","properties":{"status":{"type":"string","enum":["completed","needs_help"]},"description":{"type":"string","description":"The result, or what you need help with"}},"required":["status","description"]}"""),
        Tool(CreateTask, "Creates a new task, to run now or at a scheduled time.",
            """{"type":"object","properties":{"description":{"type":"string"},"type":{"type":"string","enum":["IMMEDIATE","SCHEDULED"]},"scheduledFor":{"type":"string","format":"date-time"},"priority":{"type":"string","enum":["LOW","MEDIUM","HIGH","URGENT"]}},"required":["description"]}"""),
        Tool(ReadFile, "Reads a file from the desktop's workspace into the conversation (documents, images, text).",
            """{"type":"object","properties":{"path":{"type":"string","description":"Absolute, or relative to ~/Desktop"}},"required":["path"]}"""),
    ];

    private static string Object(string[] required, params (string Name, string Schema)[] properties) =>
        "{\"type\":\"object\",\"properties\":{" + string.Join(",", properties.Select(p => $"\"{p.Name}\":{p.Schema}"))
        + "},\"required\":" + JsonSerializer.Serialize(required) + "}";

    private static ToolDefinition Tool(string name, string description, string schema)
    {
        using var document = JsonDocument.Parse(schema);
        return new ToolDefinition(name, description, document.RootElement.Clone());
    }
}
