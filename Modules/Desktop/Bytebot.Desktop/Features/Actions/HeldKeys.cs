using Bytebot.Desktop.Driver;

namespace Bytebot.Desktop.Features.Actions;

internal static class HeldKeys
{
    /// <summary>
    /// Presses <paramref name="keys"/>, runs <paramref name="body"/>, and releases them in reverse order even when the
    /// body fails or is cancelled: a modifier left down would corrupt every later action on the desktop.
    /// </summary>
    public static async Task AroundAsync(IDesktopDriver driver, IReadOnlyList<KeySymbol> keys, Func<Task> body, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            await body();
            return;
        }
        await driver.SetKeysAsync(keys, down: true, cancellationToken);
        try
        {
            await body();
        }
        finally
        {
            await driver.SetKeysAsync(keys.Reverse().ToArray(), down: false, CancellationToken.None);
        }
    }
}
