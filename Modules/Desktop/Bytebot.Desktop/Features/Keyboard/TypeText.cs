using System.Buffers;
using System.Text;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Keyboard;

public static class TypeTextHandler
{
    public const int MaxLength = 100_000;

    public static async Task<ActionCompleted> HandleAsync(TypeText message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var violations = new Violations().Range("delay", message.Delay, 0, TypeKeysHandler.MaxDelay);
        TextRules.Check(violations, message.Text);
        violations.ThrowIfAny();
        var text = await desktop.RevealAsync(message.Text, "text", cancellationToken);
        return await desktop.Queue.RunAsync(message, async token =>
        {
            await desktop.Driver.TypeTextAsync(text, TimeSpan.FromMilliseconds(message.Delay), token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}

internal static class TextRules
{
    public static void Check(Violations violations, string text, string field = "text")
    {
        if (text.Length > TypeTextHandler.MaxLength)
            violations.Add(field, $"must be at most {TypeTextHandler.MaxLength} characters, but has {text.Length}.");
        // NUL cannot be typed or put on an X selection; unpaired surrogates are not characters.
        if (text.Contains('\0', StringComparison.Ordinal))
            violations.Add(field, "must not contain NUL characters.");
        if (!IsValidUnicode(text))
            violations.Add(field, "must be valid Unicode (it holds an unpaired surrogate).");
        if (text.AsSpan().IndexOfAny(Invisible) is >= 0 and var at)
            violations.Add(field, $"must not contain control, bidirectional-override or zero-width characters (U+{(int)text[at]:X4} at {at}).");
    }

    // reliability.md S5/P1: invisible characters hide what is typed from the human watching. Newline and tab are typed
    // as keys; ZWJ/ZWNJ stay allowed because emoji sequences and several scripts need them.
    private static readonly SearchValues<char> Invisible = SearchValues.Create(
        "\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F"
        + "\u200B\u2060\uFEFF\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");

    private static bool IsValidUnicode(string text)
    {
        var consumed = 0;
        for (var i = 0; i < text.Length; i += consumed)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out _, out consumed) != OperationStatus.Done)
                return false;
        }
        return true;
    }
}
