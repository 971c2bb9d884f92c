using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Desktop.Ocr;

namespace Bytebot.Desktop.Features.Screen;

public static class FindTextHandler
{
    public const int MaxText = 1_000;

    public static async Task<TextMatches> HandleAsync(FindText message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var violations = new Violations();
        if (string.IsNullOrWhiteSpace(message.Text))
            violations.Add("text", "must hold a word to look for.");
        else if (message.Text.Length > MaxText)
            violations.Add("text", $"must be at most {MaxText} characters, but is {message.Text.Length}.");
        // Only the text-like parts of the screen first; every pixel when the text is not among them.
        var lines = await ReadScreenHandler.ReadAsync(message, message.Region, violations, desktop, cancellationToken,
            read => TextSearch.Find(read, message.Text).Count > 0);
        return new TextMatches(TextSearch.Find(lines, message.Text));
    }
}
