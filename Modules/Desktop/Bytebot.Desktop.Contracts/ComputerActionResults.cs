namespace Bytebot.Desktop.Contracts;

/// <summary>What a <see cref="ComputerAction"/> answers.</summary>
public abstract record ComputerActionResult;

/// <summary>The action ran; Bytebot answers these with an empty 201.</summary>
public sealed record ActionCompleted : ComputerActionResult
{
    /// <summary>The one instance; the result carries nothing.</summary>
    public static ActionCompleted Instance { get; } = new();
}

/// <summary>A captured screen image.</summary>
/// <param name="Image">The encoded image bytes (base64 in the HTTP body's <c>image</c>).</param>
/// <param name="Width">Image width in pixels, after region and scaling.</param>
/// <param name="Height">Image height in pixels, after region and scaling.</param>
/// <param name="Format">The image encoding.</param>
public sealed record ScreenshotImage(byte[] Image, int Width, int Height, ImageEncoding Format) : ComputerActionResult
{
    /// <summary>The IANA media type of <see cref="Image"/>.</summary>
    public string MediaType => Format switch
    {
        ImageEncoding.Jpeg => "image/jpeg",
        ImageEncoding.Webp => "image/webp",
        _ => "image/png",
    };
}

/// <summary>The pointer's position.</summary>
/// <param name="X">Pixels from the left edge.</param>
/// <param name="Y">Pixels from the top edge.</param>
public sealed record CursorPoint(int X, int Y) : ComputerActionResult;

/// <summary>A word read on the screen.</summary>
/// <param name="Text">The word.</param>
/// <param name="Confidence">The recognizer's confidence, 0 to 1.</param>
/// <param name="Box">Where it is, in screen pixels.</param>
public sealed record TextWord(string Text, double Confidence, ScreenRegion Box);

/// <summary>A line of words read on the screen.</summary>
/// <param name="Text">The words, separated by single spaces.</param>
/// <param name="Confidence">The words' mean confidence, 0 to 1.</param>
/// <param name="Box">The words' bounding box, in screen pixels.</param>
/// <param name="Words">The words, left to right.</param>
public sealed record TextLine(string Text, double Confidence, ScreenRegion Box, IReadOnlyList<TextWord> Words);

/// <summary>What <see cref="ReadScreen"/> read, top to bottom.</summary>
/// <param name="Lines">The lines of text.</param>
public sealed record ScreenText(IReadOnlyList<TextLine> Lines) : ComputerActionResult;

/// <summary>A place where the text of <see cref="FindText"/> is on the screen.</summary>
/// <param name="Text">The words that matched, as read.</param>
/// <param name="Confidence">Their mean confidence, 0 to 1.</param>
/// <param name="Box">Their bounding box, in screen pixels.</param>
/// <param name="Exact">True when the words are the text (ignoring case and surrounding punctuation), not only contain it.</param>
public sealed record TextMatch(string Text, double Confidence, ScreenRegion Box, bool Exact);

/// <summary>What <see cref="FindText"/> found: exact matches first, then by confidence; empty when the text is not there.</summary>
/// <param name="Matches">The matches, best first.</param>
public sealed record TextMatches(IReadOnlyList<TextMatch> Matches) : ComputerActionResult;

/// <summary>An element of a window, as its application exposes it over AT-SPI.</summary>
/// <param name="Id">Its id for <see cref="ClickElement"/>, <see cref="FocusElement"/> and <see cref="SetValue"/>; valid while it exists.</param>
/// <param name="Parent">The id of the element that holds it; null for the window.</param>
/// <param name="Depth">0 for the window, 1 for what it holds, and so on.</param>
/// <param name="Role">Its role as AT-SPI names it: <c>push button</c>, <c>menu</c>, <c>text</c>, <c>frame</c>…</param>
/// <param name="Name">Its accessible name (for an unnamed text field, the label's); empty when it has none.</param>
/// <param name="States">AT-SPI states other than <c>showing</c> and <c>visible</c> (every element listed is): <c>focused</c>, <c>checked</c>, <c>editable</c>, <c>sensitive</c>…</param>
/// <param name="Bounds">Where it is, in screen pixels; null when it has no place on the screen.</param>
/// <param name="Actions">The names of its own actions, e.g. <c>click</c>, <c>press</c>, <c>activate</c>.</param>
/// <param name="Value">Its text (the first 200 characters) or its number, for elements that hold one.</param>
public sealed record AccessibleElement(
    string Id, string? Parent, int Depth, string Role, string Name, IReadOnlyList<string> States,
    ScreenRegion? Bounds, IReadOnlyList<string> Actions, string? Value);

/// <summary>What <see cref="AccessibilityTree"/> found: empty when no window is focused or its application exposes nothing.</summary>
/// <param name="Elements">The window first, then what it holds, depth first.</param>
/// <param name="Truncated">True when the window held more than the elements listed.</param>
public sealed record AccessibleTree(IReadOnlyList<AccessibleElement> Elements, bool Truncated) : ComputerActionResult;

/// <summary>The outcome of <see cref="WriteFile"/>; I/O failures are reported here rather than thrown, as in Bytebot.</summary>
/// <param name="Success">True when the file was written.</param>
/// <param name="Message">What happened, for the caller (and the model) to read.</param>
public sealed record FileWritten(bool Success, string Message) : ComputerActionResult;

/// <summary>The outcome of <see cref="ReadFile"/>; I/O failures are reported here rather than thrown, as in Bytebot.</summary>
/// <param name="Success">True when the file was read.</param>
/// <param name="Data">The content, when read.</param>
/// <param name="Name">The file name without directory, when read.</param>
/// <param name="Size">The size in bytes, when read.</param>
/// <param name="MediaType">The media type guessed from the extension, when read.</param>
/// <param name="Message">Why the file could not be read, when not.</param>
public sealed record FileContent(bool Success, byte[]? Data, string? Name, long? Size, string? MediaType, string? Message) : ComputerActionResult;

/// <summary>What <see cref="WaitForSettle"/> observed.</summary>
/// <param name="WaitedMilliseconds">How long it waited.</param>
/// <param name="Settled">False when the cap was reached while the screen was still changing.</param>
public sealed record SettleReport(long WaitedMilliseconds, bool Settled) : ComputerActionResult;

/// <summary>An action sent <see cref="ComputerAction.ByAgent"/> found the user in control and did not run (or was stopped).</summary>
public sealed class AgentNotInControlException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AgentNotInControlException()
        : base("The user has control of the desktop; the agent's action was not run.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public AgentNotInControlException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public AgentNotInControlException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The action was refused before anything reached the display (HTTP 400): a field is missing, has a bad value or is
/// unknown, a key name does not exist, a path leaves the workspace, an application is not installed.
/// </summary>
public sealed class ComputerActionRejectedException : Exception
{
    /// <summary>Creates the exception for one field.</summary>
    /// <param name="field">The field path, for example <c>keys[1]</c> or <c>coordinates.x</c>.</param>
    /// <param name="problem">What is wrong with it.</param>
    public ComputerActionRejectedException(string field, string problem)
        : this(new Dictionary<string, string[]> { [field] = [problem] })
    {
    }

    /// <summary>Creates the exception for several fields.</summary>
    /// <param name="errors">Problems keyed by field path.</param>
    public ComputerActionRejectedException(IReadOnlyDictionary<string, string[]> errors)
        : base(Describe(errors)) => Errors = errors;

    /// <summary>Creates the exception with a message only (keyed by the empty field path).</summary>
    public ComputerActionRejectedException()
        : this("", "The action is invalid.")
    {
    }

    /// <summary>Creates the exception with a message only (keyed by the empty field path).</summary>
    /// <param name="message">What is wrong.</param>
    public ComputerActionRejectedException(string message)
        : this("", message)
    {
    }

    /// <summary>Creates the exception with a message only (keyed by the empty field path).</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ComputerActionRejectedException(string message, Exception innerException)
        : base(message, innerException) => Errors = new Dictionary<string, string[]> { [""] = [message] };

    /// <summary>Problems keyed by field path.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    private static string Describe(IReadOnlyDictionary<string, string[]> errors) =>
        string.Join(" ", errors.SelectMany(e => e.Value.Select(problem => e.Key.Length == 0 ? problem : $"{e.Key}: {problem}")));
}

/// <summary>
/// The display cannot take actions right now (not started yet, restarting, connection lost). Callers answer 503,
/// not 500 (reliability.md R6): the next call may well succeed once the supervisor has the display back.
/// </summary>
public class DesktopUnavailableException : Exception
{
    /// <summary>Unavailable, for the reason given.</summary>
    /// <param name="message">What is unavailable, and what helps.</param>
    public DesktopUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Unavailable, no reason known.</summary>
    public DesktopUnavailableException() : this("The desktop is not available.")
    {
    }

    /// <summary>Unavailable because of another failure.</summary>
    /// <param name="message">What is unavailable.</param>
    /// <param name="innerException">The failure.</param>
    public DesktopUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>An application was asked for but did not show a window in time (an HTTP 500 with the reason).</summary>
public sealed class ApplicationDidNotStartException : Exception
{
    /// <summary>Did not start, for the reason given.</summary>
    /// <param name="message">Which application, and what was seen.</param>
    public ApplicationDidNotStartException(string message) : base(message)
    {
    }

    /// <summary>Did not start, no reason known.</summary>
    public ApplicationDidNotStartException() : this("The application did not start.")
    {
    }

    /// <summary>Did not start because of another failure.</summary>
    /// <param name="message">Which application.</param>
    /// <param name="innerException">The failure.</param>
    public ApplicationDidNotStartException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
