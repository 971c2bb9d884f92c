namespace Bytebot.Desktop.Contracts;

/// <summary>
/// A computer-use action, as accepted by <c>POST /computer-use</c> (discriminator <c>action</c>) and sent by the Agent
/// over the message bus. Every action answers a <see cref="ComputerActionResult"/>; an invalid action is answered by
/// <see cref="ComputerActionRejectedException"/> before anything reaches the display.
/// </summary>
public abstract record ComputerAction
{
    /// <summary>
    /// Sent on behalf of the agent: the desktop refuses it with <see cref="AgentNotInControlException"/> unless the agent has
    /// control when its turn comes, and cancels it if the user takes control while it runs.
    /// </summary>
    public bool ByAgent { get; init; }
}

/// <summary>
/// Bytebot's wire format for an action (the <c>POST /computer-use</c> body, or a <c>computer_*</c> tool's input plus
/// <c>action</c>), parsed into a <see cref="ComputerAction"/> without running it. Answered with <see cref="ParsedAction"/>;
/// a malformed body with <see cref="ComputerActionRejectedException"/> naming every bad field.
/// </summary>
/// <param name="Body">A JSON object with an <c>action</c> field.</param>
public sealed record ParseComputerAction(System.Text.Json.JsonElement Body);

/// <summary>A parsed action, ready to send.</summary>
/// <param name="Action">The action.</param>
public sealed record ParsedAction(ComputerAction Action);

/// <summary>An absolute point on the screen, in pixels from the top-left corner.</summary>
/// <param name="X">Pixels from the left edge.</param>
/// <param name="Y">Pixels from the top edge.</param>
public sealed record Coordinates(int X, int Y);

/// <summary>A rectangle on the screen, in pixels.</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width, at least 1.</param>
/// <param name="Height">Height, at least 1.</param>
public sealed record ScreenRegion(int X, int Y, int Width, int Height);

/// <summary>A mouse button (Bytebot's <c>button</c>).</summary>
public enum PointerButton
{
    /// <summary>The primary button.</summary>
    Left,

    /// <summary>The secondary button.</summary>
    Right,

    /// <summary>The wheel button.</summary>
    Middle,
}

/// <summary>Whether a button or key goes down or comes up (Bytebot's <c>press</c>).</summary>
public enum Press
{
    /// <summary>Release.</summary>
    Up,

    /// <summary>Press and keep holding.</summary>
    Down,
}

/// <summary>A scroll direction (Bytebot's <c>direction</c>).</summary>
public enum Direction
{
    /// <summary>Wheel up.</summary>
    Up,

    /// <summary>Wheel down.</summary>
    Down,

    /// <summary>Horizontal wheel left.</summary>
    Left,

    /// <summary>Horizontal wheel right.</summary>
    Right,
}

/// <summary>An image encoding for screenshots.</summary>
public enum ImageEncoding
{
    /// <summary>Lossless PNG (Bytebot's only format, the default).</summary>
    Png,

    /// <summary>JPEG at <see cref="Screenshot.Quality"/>.</summary>
    Jpeg,

    /// <summary>WebP at <see cref="Screenshot.Quality"/>.</summary>
    Webp,
}

/// <summary><c>move_mouse</c>: puts the pointer at <paramref name="Coordinates"/> instantly.</summary>
/// <param name="Coordinates">Target point; must be on the screen.</param>
public sealed record MoveMouse(Coordinates Coordinates) : ComputerAction;

/// <summary><c>trace_mouse</c>: moves through every point of <paramref name="Path"/> while holding <paramref name="HoldKeys"/>.</summary>
/// <param name="Path">At least one point, all on the screen.</param>
/// <param name="HoldKeys">Keys held down during the move, released afterwards in reverse order.</param>
public sealed record TraceMouse(IReadOnlyList<Coordinates> Path, IReadOnlyList<string> HoldKeys) : ComputerAction;

/// <summary><c>click_mouse</c>: optionally moves, then clicks <paramref name="ClickCount"/> times (the X server times double-clicks).</summary>
/// <param name="Button">Which button.</param>
/// <param name="ClickCount">1 to 10 press/release pairs.</param>
/// <param name="Coordinates">Where to click; null clicks where the pointer is.</param>
/// <param name="HoldKeys">Keys held down around the clicks (for example <c>shift</c> for a range selection).</param>
public sealed record ClickMouse(PointerButton Button, int ClickCount, Coordinates? Coordinates, IReadOnlyList<string> HoldKeys) : ComputerAction;

/// <summary><c>press_mouse</c>: optionally moves, then presses or releases a button.</summary>
/// <param name="Button">Which button.</param>
/// <param name="Press">Down or up.</param>
/// <param name="Coordinates">Where; null keeps the pointer where it is.</param>
public sealed record PressMouse(PointerButton Button, Press Press, Coordinates? Coordinates) : ComputerAction;

/// <summary><c>drag_mouse</c>: moves to the first point, presses <paramref name="Button"/>, moves through the rest, releases.</summary>
/// <param name="Path">At least one point, all on the screen.</param>
/// <param name="Button">Which button is held during the drag.</param>
/// <param name="HoldKeys">Keys held down around the drag.</param>
public sealed record DragMouse(IReadOnlyList<Coordinates> Path, PointerButton Button, IReadOnlyList<string> HoldKeys) : ComputerAction;

/// <summary><c>scroll</c>: optionally moves, then turns the wheel <paramref name="ScrollCount"/> steps.</summary>
/// <param name="Direction">Wheel direction.</param>
/// <param name="ScrollCount">1 to 100 wheel steps.</param>
/// <param name="Coordinates">Where; null scrolls where the pointer is.</param>
/// <param name="HoldKeys">Keys held down around the scroll (for example <c>ctrl</c> to zoom).</param>
public sealed record Scroll(Direction Direction, int ScrollCount, Coordinates? Coordinates, IReadOnlyList<string> HoldKeys) : ComputerAction;

/// <summary>
/// <c>type_keys</c>: presses and releases each key in order (Bytebot pressed them all at once, whatever its docs said).
/// With <paramref name="Chord"/> the keys are pressed together, held <paramref name="Delay"/> ms and released in reverse.
/// </summary>
/// <param name="Keys">At least one key name (Bytebot's names, X keysym names and common aliases, case-insensitive).</param>
/// <param name="Delay">Milliseconds between keys, or the chord's hold time; 0 to 10,000.</param>
/// <param name="Chord">Press all keys together instead of one after the other.</param>
public sealed record TypeKeys(IReadOnlyList<string> Keys, int Delay = 0, bool Chord = false) : ComputerAction;

/// <summary><c>press_keys</c>: presses (in order) or releases (in reverse order) keys, for holding modifiers across actions.</summary>
/// <param name="Keys">At least one key name.</param>
/// <param name="Press">Down or up.</param>
public sealed record PressKeys(IReadOnlyList<string> Keys, Press Press) : ComputerAction;

/// <summary><c>type_text</c>: types any Unicode text, whatever the keyboard layout.</summary>
/// <param name="Text">The text; newlines press Enter.</param>
/// <param name="Delay">Milliseconds between characters; 0 to 10,000.</param>
/// <param name="Sensitive">Marks a secret: it is typed but never logged or recorded.</param>
public sealed record TypeText(string Text, int Delay = 0, bool Sensitive = false) : ComputerAction;

/// <summary><c>paste_text</c>: puts the text on the clipboard (owned by the host) and presses Ctrl+V.</summary>
/// <param name="Text">The text.</param>
/// <param name="Sensitive">Marks a secret: it is pasted but never logged or recorded.</param>
public sealed record PasteText(string Text, bool Sensitive = false) : ComputerAction;

/// <summary><c>wait</c>: sleeps; other actions on this desktop wait behind it.</summary>
/// <param name="Duration">Milliseconds, 0 to 60,000.</param>
public sealed record Wait(int Duration) : ComputerAction;

/// <summary><c>screenshot</c>: captures the screen; with no options a full-resolution PNG as in Bytebot.</summary>
/// <param name="Format">Image encoding.</param>
/// <param name="Quality">1–100 for JPEG and WebP; null for the encoder's default.</param>
/// <param name="Scale">Resize factor in (0, 1]; not together with <paramref name="MaxWidth"/>/<paramref name="MaxHeight"/>.</param>
/// <param name="MaxWidth">Fit within this width, keeping the aspect ratio.</param>
/// <param name="MaxHeight">Fit within this height, keeping the aspect ratio.</param>
/// <param name="Region">Part of the screen to capture; must lie on the screen.</param>
public sealed record Screenshot(
    ImageEncoding Format = ImageEncoding.Png,
    int? Quality = null,
    double? Scale = null,
    int? MaxWidth = null,
    int? MaxHeight = null,
    ScreenRegion? Region = null) : ComputerAction;

/// <summary>
/// <c>zoom</c> (Anthropic <c>computer_20251124</c>): a part of the screen scaled up to fill the screenshot budget, to read
/// small text or aim precisely. The image is not a new coordinate frame: later actions still use screen pixels.
/// </summary>
/// <param name="Region">The part of the screen (on the wire <c>[x0, y0, x1, y1]</c>, x1 and y1 exclusive).</param>
/// <param name="Format">Image encoding.</param>
/// <param name="MaxWidth">The budget's width; null for the screen's width.</param>
/// <param name="MaxHeight">The budget's height; null for the screen's height.</param>
public sealed record Zoom(
    ScreenRegion Region,
    ImageEncoding Format = ImageEncoding.Png,
    int? MaxWidth = null,
    int? MaxHeight = null) : ComputerAction;

/// <summary><c>read_screen</c>: the text on the screen (OCR), as lines of words with boxes and confidence.</summary>
/// <param name="Region">Where to read (on the wire <c>[x0, y0, x1, y1]</c>); null for the whole screen.</param>
public sealed record ReadScreen(ScreenRegion? Region = null) : ComputerAction;

/// <summary><c>find_text</c>: where a text is on the screen (OCR), best match first; answered by <see cref="TextMatches"/>.</summary>
/// <param name="Text">The text, case-insensitive; several words match consecutive words of one line.</param>
/// <param name="Region">Where to look (on the wire <c>[x0, y0, x1, y1]</c>); null for the whole screen.</param>
public sealed record FindText(string Text, ScreenRegion? Region = null) : ComputerAction;

/// <summary>
/// <c>accessibility_tree</c>: the elements of a window as its application exposes them over AT-SPI (role, name, states,
/// bounds, actions), the window first, then depth first; only what is showing. Answered by <see cref="AccessibleTree"/>.
/// </summary>
/// <param name="Window"><c>active</c> for the focused window, or the id of a window element from an earlier tree.</param>
public sealed record AccessibilityTree(string Window = AccessibilityTree.Active) : ComputerAction
{
    /// <summary>The focused window.</summary>
    public const string Active = "active";
}

/// <summary>
/// <c>click_element</c>: clicks an element of <see cref="AccessibilityTree"/>: at the centre of its bounds when it is on
/// the screen, else by its own click action.
/// </summary>
/// <param name="Id">The element's id.</param>
public sealed record ClickElement(string Id) : ComputerAction;

/// <summary><c>focus_element</c>: gives an element of <see cref="AccessibilityTree"/> the keyboard focus.</summary>
/// <param name="Id">The element's id.</param>
public sealed record FocusElement(string Id) : ComputerAction;

/// <summary>
/// <c>set_value</c>: replaces the text of an editable element of <see cref="AccessibilityTree"/>, or sets the number of
/// a slider or spin button, without typing and without raising its window.
/// </summary>
/// <param name="Id">The element's id.</param>
/// <param name="Value">The text, or the number for an element with a numeric value.</param>
public sealed record SetValue(string Id, string Value) : ComputerAction;

/// <summary><c>cursor_position</c>: where the pointer is.</summary>
public sealed record CursorPosition : ComputerAction;

/// <summary><c>application</c>: focuses (and maximizes) an application window, or launches the application.</summary>
/// <param name="Name">
/// One of Bytebot's names (<c>firefox</c>, <c>1password</c>, <c>thunderbird</c>, <c>vscode</c>, <c>terminal</c>,
/// <c>desktop</c>, <c>directory</c>) or another name configured under <c>Desktop:Applications</c>.
/// </param>
public sealed record Application(string Name) : ComputerAction;

/// <summary><c>write_file</c>: writes a file inside the workspace root, atomically.</summary>
/// <param name="Path">Absolute inside the root, or relative to <c>{root}/Desktop</c>.</param>
/// <param name="Data">The content (base64 on the wire).</param>
public sealed record WriteFile(string Path, byte[] Data) : ComputerAction;

/// <summary><c>read_file</c>: reads a regular file inside the workspace root.</summary>
/// <param name="Path">Absolute inside the root, or relative to <c>{root}/Desktop</c>.</param>
public sealed record ReadFile(string Path) : ComputerAction;

/// <summary>
/// Agent-only (not on <c>POST /computer-use</c>): returns when the screen has not changed in the first
/// <paramref name="Reaction"/>, or once it has changed and then stayed unchanged for <paramref name="Quiet"/>, or after
/// <paramref name="Cap"/>; answered by <see cref="SettleReport"/>.
/// </summary>
/// <param name="Quiet">How long the screen must stay unchanged after a change; null for the default (100 ms).</param>
/// <param name="Cap">The longest wait; null for the default (2 s).</param>
/// <param name="Reaction">How long to wait for a first change; null for <paramref name="Quiet"/>.</param>
public sealed record WaitForSettle(TimeSpan? Quiet = null, TimeSpan? Cap = null, TimeSpan? Reaction = null)
    : ComputerAction;

/// <summary>
/// Which applications the <c>application</c> action can open on this desktop: those configured whose program is
/// installed, and <c>desktop</c>. Answered with <see cref="InstalledApplications"/>; for launchers.
/// </summary>
public sealed record ListApplications;

/// <summary>The applications <see cref="Application"/> can open here.</summary>
/// <param name="Names">Application names, as <see cref="Application.Name"/> takes them.</param>
public sealed record InstalledApplications(IReadOnlyList<string> Names);
