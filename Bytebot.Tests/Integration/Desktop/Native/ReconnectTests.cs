using Bytebot.Desktop.Driver;
using Bytebot.Desktop.X11;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bytebot.Tests.Integration.Desktop.Native;

[Collection(OneDesktopAtATime.Name)]
public sealed class ReconnectTests(NativeDesktop desktop) : IClassFixture<NativeDesktop>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_protocol_error_on_a_bogus_window_does_not_kill_the_process()
    {
        using var connection = new XConnection(() => desktop.Display, TimeSpan.FromSeconds(20), NullLogger.Instance);

        var errors = await connection.InvokeAsync((x, _) =>
        {
            var before = XErrors.Count;
            Xlib.XSetSelectionOwner(x.Display, Xlib.AtomPrimary, 0x7ffff0, 0);
            x.Sync();
            return XErrors.Count - before;
        }, Token);

        errors.ShouldBe(1);
        var size = await connection.InvokeAsync((x, _) => (x.Width, x.Height), Token);
        size.ShouldBe((1280, 960));
    }

    [Fact]
    public async Task Disposing_the_driver_reverts_the_spare_keycodes_it_bound()
    {
        var driver = new XDesktopDriver(() => desktop.Display, TimeSpan.FromSeconds(20), NullLogger.Instance);
        try
        {
            await driver.TypeTextAsync("ŋ", TimeSpan.Zero, Token);
            desktop.Run("xmodmap", "-pke").Output.ShouldMatch("= U014B");
        }
        finally
        {
            driver.Dispose();
        }

        desktop.Run("xmodmap", "-pke").Output.ShouldNotMatch("= U014B");
    }

    [Fact]
    public async Task After_Xvfb_is_killed_and_restarted_the_next_call_reconnects_and_works()
    {
        var before = await desktop.Driver.ScreenshotAsync(new CaptureOptions(ImageFormat.Jpeg), Token);
        before.Width.ShouldBe(1280);
        var xvfb = desktop.Host.Desktop.Xvfb!;

        xvfb.Kill();
        await NativeDesktop.WaitForAsync(() => desktop.Host.Desktop.Xvfb is { } next && next.Pid != xvfb.Pid && next.IsRunning, "a new Xvfb");

        await desktop.Driver.MoveMouseAsync(new ScreenPoint(100, 200), Token);
        (await desktop.Driver.GetCursorPositionAsync(Token)).ShouldBe(new ScreenPoint(100, 200));
        var after = await desktop.Driver.ScreenshotAsync(new CaptureOptions(), Token);
        PngImage.Decode(after.Bytes).Width.ShouldBe(1280);
        await desktop.Driver.SetClipboardAsync("after restart ✓", Token);
        System.Text.Encoding.UTF8.GetString(desktop.RunBytes("xclip", "-o", "-selection", "clipboard")).ShouldBe("after restart ✓");
    }
}
