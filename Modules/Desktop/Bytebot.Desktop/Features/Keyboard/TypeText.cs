using System.Buffers;
using System.Text;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Platform.Messaging;

namespace Bytebot.Desktop.Features.Keyboard;

internal sealed class TypeTextHandler(IDesktopDriver driver, ActionQueue queue) : IHandler<TypeText, ActionCompleted>
{
    public const int MaxLength = 100_000;

    public async Task<ActionCompleted> HandleAsync(TypeText message, CancellationToken cancellationToken)
    {
        var violations = new Violations().Range("delay", message.Delay, 0, TypeKeysHandler.MaxDelay);
        TextRules.Check(violations, message.Text);
        violations.ThrowIfAny();
        return await queue.RunAsync(async token =>
        {
            await driver.TypeTextAsync(message.Text, TimeSpan.FromMilliseconds(message.Delay), token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}

internal static class TextRules
{
    public static void Check(Violations violations, string text)
    {
        if (text.Length > TypeTextHandler.MaxLength)
            violations.Add("text", $"must be at most {TypeTextHandler.MaxLength} characters, but has {text.Length}.");
        // NUL cannot be typed or put on an X selection; unpaired surrogates are not characters.
        if (text.Contains('\0', StringComparison.Ordinal))
            violations.Add("text", "must not contain NUL characters.");
        if (!IsValidUnicode(text))
            violations.Add("text", "must be valid Unicode (it holds an unpaired surrogate).");
    }

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
