using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.SemanticKernel;

namespace Bytebot.Agent.Plugins;

internal enum MouseButton
{
    Left,
    Right,
    Middle,
}

internal enum Press
{
    Up,
    Down,
}

internal enum ScrollDirection
{
    Up,
    Down,
    Left,
    Right,
}

internal enum DesktopApplication
{
    Firefox,
    [JsonStringEnumMemberName("1password")]
    OnePassword,
    Thunderbird,
    Vscode,
    Terminal,
    Directory,
    Desktop,
    Editor,
}

internal sealed record ScreenPoint(
    [property: Description("Pixels from the left edge")] int X,
    [property: Description("Pixels from the top edge")] int Y);

/// <summary>
/// The desktop's actions as tools: Bytebot's <c>computer_*</c> names and shapes (bytebot-api.md §2.6), plus zoom, OCR
/// and the accessibility tree. Coordinates are in the pixels of the screenshots the caller receives. Each function
/// only names its action and its fields: the caller's own runner parses them with the desktop's rules (the same as
/// <c>POST /computer-use</c>) and carries them out.
/// </summary>
internal sealed class ComputerPlugin
{
    public const string Prefix = "computer_";
    public const string ClickText = "computer_click_text";

    private const string Point = "A point on the screenshot, in its pixels.";
    private const string Points = "Points on the screenshot, in its pixels.";
    private const string Held = "Keys held down during the action, e.g. [\"Shift\"]";
    private const string Region = "Where to look: [x0, y0, x1, y1] in the screenshot's pixels; the whole screen when left out";
    private const string LeftButton = "left when left out";
    private const string ElementId = "The element's id from computer_accessibility_tree";

    [KernelFunction("computer_move_mouse"), Description("Moves the mouse pointer to the given coordinates.")]
    public static Task<object> MoveMouse(Kernel kernel, [Description(Point)] ScreenPoint coordinates,
        CancellationToken cancellationToken) =>
        Run(kernel, "move_mouse", new { coordinates }, cancellationToken);

    [KernelFunction("computer_trace_mouse"), Description("Moves the mouse along a path of points, optionally holding keys.")]
    public static Task<object> TraceMouse(Kernel kernel, [Description(Points)] ScreenPoint[] path,
        [Description(Held)] string[]? holdKeys = null, CancellationToken cancellationToken = default) =>
        Run(kernel, "trace_mouse", new { path, holdKeys }, cancellationToken);

    [KernelFunction("computer_click_mouse")]
    [Description("Clicks a mouse button at the coordinates (or where the pointer is when coordinates are left out). "
        + "Click the visual centre of the target.")]
    public static Task<object> ClickMouse(Kernel kernel, [Description(Point)] ScreenPoint? coordinates = null,
        [Description(LeftButton)] MouseButton? button = null, [Description(Held)] string[]? holdKeys = null,
        [Description("1 for a click, 2 for a double click")] int clickCount = 1,
        CancellationToken cancellationToken = default) =>
        Run(kernel, "click_mouse", new { coordinates, button = button ?? MouseButton.Left, holdKeys, clickCount },
            cancellationToken);

    [KernelFunction("computer_press_mouse")]
    [Description("Presses or releases a mouse button, optionally after moving to the coordinates.")]
    public static Task<object> PressMouse(Kernel kernel, MouseButton button, Press press,
        [Description(Point)] ScreenPoint? coordinates = null, CancellationToken cancellationToken = default) =>
        Run(kernel, "press_mouse", new { coordinates, button, press }, cancellationToken);

    [KernelFunction("computer_drag_mouse"), Description("Drags along a path of points with a button held.")]
    public static Task<object> DragMouse(Kernel kernel, [Description(Points)] ScreenPoint[] path, MouseButton button,
        [Description(Held)] string[]? holdKeys = null, CancellationToken cancellationToken = default) =>
        Run(kernel, "drag_mouse", new { path, button, holdKeys }, cancellationToken);

    [KernelFunction("computer_scroll"), Description("Scrolls at the coordinates.")]
    public static Task<object> Scroll(Kernel kernel, [Description(Point)] ScreenPoint coordinates,
        ScrollDirection direction, [Description("Number of wheel steps")] int scrollCount,
        [Description(Held)] string[]? holdKeys = null, CancellationToken cancellationToken = default) =>
        Run(kernel, "scroll", new { coordinates, direction, scrollCount, holdKeys }, cancellationToken);

    [KernelFunction("computer_type_keys")]
    [Description("Presses and releases keys one after the other (a shortcut: pass them in order with chord, e.g. "
        + "[\"Control\",\"c\"]). Key names are case-sensitive, e.g. Return, Tab, Escape, BackSpace, Control, Shift, Alt, "
        + "Super, F5, Up, Page_Down, a, A, 1.")]
    public static Task<object> TypeKeys(Kernel kernel, string[] keys,
        [Description("Milliseconds between keys")] int? delay = null,
        [Description("Press all keys together, e.g. Control+c")] bool? chord = null,
        CancellationToken cancellationToken = default) =>
        Run(kernel, "type_keys", new { keys, delay, chord }, cancellationToken);

    [KernelFunction("computer_press_keys"), Description("Holds keys down or releases them.")]
    public static Task<object> PressKeys(Kernel kernel, string[] keys, Press press,
        CancellationToken cancellationToken = default) =>
        Run(kernel, "press_keys", new { keys, press }, cancellationToken);

    [KernelFunction("computer_type_text")]
    [Description("Types text (any Unicode). Use for short strings; set isSensitive for passwords and secrets so they "
        + "are masked in the task log.")]
    public static Task<object> TypeText(Kernel kernel, string text,
        [Description("Milliseconds between characters")] int? delay = null, bool? isSensitive = null,
        CancellationToken cancellationToken = default) =>
        Run(kernel, "type_text", new { text, delay, isSensitive }, cancellationToken);

    [KernelFunction("computer_paste_text")]
    [Description("Pastes text through the clipboard. Use for long text or text with special characters; set "
        + "isSensitive for secrets.")]
    public static Task<object> PasteText(Kernel kernel, string text, bool? isSensitive = null,
        CancellationToken cancellationToken = default) =>
        Run(kernel, "paste_text", new { text, isSensitive }, cancellationToken);

    [KernelFunction("computer_wait"), Description("Waits, e.g. for a page to load.")]
    public static Task<object> Wait(Kernel kernel, [Description("Milliseconds")] int duration = 500,
        CancellationToken cancellationToken = default) =>
        Run(kernel, "wait", new { duration }, cancellationToken);

    [KernelFunction("computer_screenshot"), Description("Takes a screenshot of the screen.")]
    public static Task<object> Screenshot(Kernel kernel, CancellationToken cancellationToken) =>
        Run(kernel, "screenshot", new { }, cancellationToken);

    [KernelFunction("computer_zoom")]
    [Description("Shows a region of the screenshot enlarged, to read small text or aim precisely. The zoomed image is "
        + "not a new coordinate frame: keep using the full screenshot's coordinates.")]
    public static Task<object> Zoom(Kernel kernel,
        [Description("[x0, y0, x1, y1] in the screenshot's pixels: top-left corner and bottom-right corner (exclusive)")]
        int[] region, CancellationToken cancellationToken) =>
        Run(kernel, "zoom", new { region }, cancellationToken);

    [KernelFunction("computer_read_screen")]
    [Description("Reads the text on the screen (OCR): each line with its box [x0, y0, x1, y1] in screenshot pixels. "
        + "Slower than a screenshot (about a tenth of a second); use it to read text you cannot make out.")]
    public static Task<object> ReadScreen(Kernel kernel, [Description(Region)] int[]? region = null,
        CancellationToken cancellationToken = default) =>
        Run(kernel, "read_screen", new { region }, cancellationToken);

    [KernelFunction("computer_find_text")]
    [Description("Finds a text on the screen (OCR, case-insensitive) and answers the boxes of the words that hold it, "
        + "best first, with their centres in screenshot pixels.")]
    public static Task<object> FindText(Kernel kernel, string text, [Description(Region)] int[]? region = null,
        CancellationToken cancellationToken = default) =>
        Run(kernel, "find_text", new { text, region }, cancellationToken);

    [KernelFunction(ClickText)]
    [Description("Clicks the centre of the best match of a text on the screen (OCR), e.g. a button or menu label; fails "
        + "when the text is not there. More reliable than guessing coordinates for labelled targets.")]
    public static Task<object> ClickOnText(Kernel kernel, string text, [Description(LeftButton)] MouseButton? button = null,
        [Description("1 for a click, 2 for a double click")] int clickCount = 1,
        [Description(Region)] int[]? region = null, CancellationToken cancellationToken = default) =>
        Run(kernel, "click_text", new { text, button = button ?? MouseButton.Left, clickCount, region }, cancellationToken);

    [KernelFunction("computer_accessibility_tree")]
    [Description("Lists the elements of the focused window (or of the window whose id you pass) as its application "
        + "exposes them: id, role, name, box in screenshot pixels, states, actions and value. Faster and more exact than "
        + "reading a screenshot for menus, buttons and fields; empty for apps that expose nothing.")]
    public static Task<object> AccessibilityTree(Kernel kernel,
        [Description("A window's id from an earlier tree; the focused window when left out")] string? window = null,
        CancellationToken cancellationToken = default) =>
        Run(kernel, "accessibility_tree", new { window }, cancellationToken);

    [KernelFunction("computer_click_element")]
    [Description("Clicks an element of computer_accessibility_tree by its id (at its centre, or by its own action when "
        + "it is off the screen).")]
    public static Task<object> ClickElement(Kernel kernel, [Description(ElementId)] string id,
        CancellationToken cancellationToken) =>
        Run(kernel, "click_element", new { id }, cancellationToken);

    [KernelFunction("computer_focus_element")]
    [Description("Gives an element of computer_accessibility_tree the keyboard focus, by its id.")]
    public static Task<object> FocusElement(Kernel kernel, [Description(ElementId)] string id,
        CancellationToken cancellationToken) =>
        Run(kernel, "focus_element", new { id }, cancellationToken);

    [KernelFunction("computer_set_value")]
    [Description("Replaces the text of a field of computer_accessibility_tree (or the number of a slider or spin "
        + "button) by its id, without typing. Do not use it for secrets.")]
    public static Task<object> SetValue(Kernel kernel, [Description(ElementId)] string id, string value,
        CancellationToken cancellationToken) =>
        Run(kernel, "set_value", new { id, value }, cancellationToken);

    [KernelFunction("computer_application")]
    [Description("Opens or focuses an application, or shows the desktop. Use this to switch applications, not "
        + "keyboard shortcuts.")]
    public static Task<object> Application(Kernel kernel, DesktopApplication application,
        CancellationToken cancellationToken) =>
        Run(kernel, "application", new { application }, cancellationToken);

    [KernelFunction("computer_cursor_position"), Description("Reports the mouse pointer's position in screenshot pixels.")]
    public static Task<object> CursorPosition(Kernel kernel, CancellationToken cancellationToken) =>
        Run(kernel, "cursor_position", new { }, cancellationToken);

    [KernelFunction("computer_read_file")]
    [Description("Reads a file from the desktop's workspace (documents, images, text).")]
    public static Task<object> ReadFile(Kernel kernel,
        [Description("Absolute, or relative to ~/Desktop")] string path, CancellationToken cancellationToken) =>
        Run(kernel, "read_file", new { path }, cancellationToken);

    [KernelFunction("computer_write_file")]
    [Description("Writes a file into the desktop's workspace, e.g. a CSV you composed; its parent folders are made.")]
    public static Task<object> WriteFile(Kernel kernel,
        [Description("Absolute, or relative to ~/Desktop")] string path,
        [Description("The file's bytes, base64")] string data, CancellationToken cancellationToken) =>
        Run(kernel, "write_file", new { path, data }, cancellationToken);

    private static Task<object> Run(Kernel kernel, string action, object fields, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToNode(fields, ToolKernel.Json)!.AsObject();
        body["action"] = action;
        return ToolKernel.Caller(kernel).ComputerAsync(body, cancellationToken);
    }
}
