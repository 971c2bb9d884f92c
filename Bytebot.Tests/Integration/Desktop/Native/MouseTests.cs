using Bytebot.Desktop.Driver;

namespace Bytebot.Tests.Integration.Desktop.Native;

[Collection(OneDesktopAtATime.Name)]
public sealed class MouseTests(NativeDesktop desktop) : IClassFixture<NativeDesktop>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_pointer_lands_exactly_where_it_was_moved_and_is_clamped_to_the_screen()
    {
        var size = await desktop.Driver.GetScreenSizeAsync(Token);

        await desktop.Driver.MoveMouseAsync(new ScreenPoint(321, 234), Token);
        (await desktop.Driver.GetCursorPositionAsync(Token)).ShouldBe(new ScreenPoint(321, 234));
        desktop.Xdotool("getmouselocation").ShouldStartWith("x:321 y:234 ");

        await desktop.Driver.MoveMouseAsync(new ScreenPoint(5000, -20), Token);
        (await desktop.Driver.GetCursorPositionAsync(Token)).ShouldBe(new ScreenPoint(size.Width - 1, 0));
    }

    [Fact]
    public async Task Clicking_a_window_gives_it_the_focus()
    {
        await desktop.StartXtermAsync("left-window", "40x10+50+300", "sleep 600");
        await desktop.StartXtermAsync("right-window", "40x10+700+300", "sleep 600");

        await ClickAsync(new ScreenPoint(200, 400));
        await NativeDesktop.WaitForAsync(() => desktop.FocusedWindowName() == "left-window", "focus on the left window");
        await ClickAsync(new ScreenPoint(850, 400));
        await NativeDesktop.WaitForAsync(() => desktop.FocusedWindowName() == "right-window", "focus on the right window");
    }

    [Fact]
    public async Task Scrolling_up_over_a_terminal_shows_its_scrollback()
    {
        await desktop.StartXtermAsync("scroll-window", "60x10+300+600", "seq 1 300; sleep 600");
        var area = new CaptureOptions(Region: new ScreenRect(300, 600, 400, 120));
        await desktop.Driver.MoveMouseAsync(new ScreenPoint(450, 680), Token);
        await desktop.Driver.WaitForSettleAsync(
            TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), Token);
        var before = await desktop.Driver.ScreenshotAsync(area, Token);

        await desktop.Driver.ScrollAsync(ScrollDirection.Up, 5, Token);
        await desktop.Driver.WaitForSettleAsync(
            TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), Token);
        var scrolled = await desktop.Driver.ScreenshotAsync(area, Token);
        await desktop.Driver.ScrollAsync(ScrollDirection.Down, 5, Token);
        await desktop.Driver.WaitForSettleAsync(
            TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), Token);
        var back = await desktop.Driver.ScreenshotAsync(area, Token);

        scrolled.Bytes.ShouldNotBe(before.Bytes);
        back.Bytes.ShouldBe(before.Bytes);
    }

    [Fact]
    public async Task Dragging_across_a_line_of_a_terminal_selects_that_text()
    {
        await desktop.StartXtermAsync("drag-window", "50x4+300+150", "printf 'DRAG_SELECTS_THIS_LINE\\n'; sleep 600");
        // xwininfo's absolute position is the client area's; xdotool's is off by the frame under a reparenting WM.
        var info = desktop.Run("xwininfo", "-name", "drag-window").Output.Split('\n').Select(l => l.Trim()).ToList();
        int Field(string name) => int.Parse(info.First(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var (left, top, width) = (Field("Absolute upper-left X:"), Field("Absolute upper-left Y:"), Field("Width:"));
        await desktop.Driver.WaitForSettleAsync(
            TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), Token);

        // Press at the first row's left edge, move across in steps (as drag_mouse does along its path), release past the text.
        await desktop.Driver.MoveMouseAsync(new ScreenPoint(left + 3, top + 8), Token);
        await desktop.Driver.SetButtonAsync(MouseButton.Left, true, Token);
        foreach (var x in new[] { left + 60, left + 150, left + width - 6 })
            await desktop.Driver.MoveMouseAsync(new ScreenPoint(x, top + 8), Token);
        await desktop.Driver.SetButtonAsync(MouseButton.Left, false, Token);

        await NativeDesktop.WaitForAsync(() => desktop.Run("xclip", "-o", "-selection", "primary").Output.Trim() == "DRAG_SELECTS_THIS_LINE",
            "the dragged line in the PRIMARY selection");
    }

    private async Task ClickAsync(ScreenPoint point)
    {
        await desktop.Driver.MoveMouseAsync(point, Token);
        await desktop.Driver.SetButtonAsync(MouseButton.Left, true, Token);
        await desktop.Driver.SetButtonAsync(MouseButton.Left, false, Token);
    }
}
