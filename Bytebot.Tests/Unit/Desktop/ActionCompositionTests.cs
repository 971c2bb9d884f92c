using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Desktop.Features.Keyboard;
using Bytebot.Desktop.Features.Mouse;
using Bytebot.Desktop.Features.Screen;
using NSubstitute;

namespace Bytebot.Tests.Unit.Desktop;

/// <summary>How each action is composed from driver primitives, in what order, and what is left pressed when it fails.</summary>
public sealed class ActionCompositionTests : IAsyncDisposable
{
    private readonly RecordingDriver _driver = new();
    private readonly ActionQueue _queue = new(new Bytebot.Desktop.Control.DesktopControl());

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private DesktopActions Desktop(IDesktopDriver? driver = null) => TestDesktopActions.With(_queue, driver ?? _driver);

    [Fact]
    public async Task A_double_click_is_two_press_release_pairs_after_the_move()
    {
        await ClickMouseHandler.HandleAsync(new ClickMouse(PointerButton.Left, 2, new Coordinates(5, 6), []), Desktop(), Token);

        _driver.Events.ShouldBe(["move 5,6", "button Left down", "button Left up", "button Left down", "button Left up"]);
    }

    [Fact]
    public async Task Held_keys_are_released_in_reverse_order_even_when_the_click_fails()
    {
        _driver.FailOn = "button Right down";

        await Should.ThrowAsync<InvalidOperationException>(() =>
            ClickMouseHandler.HandleAsync(new ClickMouse(PointerButton.Right, 1, null, ["ctrl", "shift"]), Desktop(), Token));

        _driver.Events.ShouldBe(["keys ctrl,shift down", "keys shift,ctrl up"]);
    }

    [Fact]
    public async Task A_drag_releases_the_button_even_when_a_move_fails()
    {
        _driver.FailOn = "move 9,9";

        await Should.ThrowAsync<InvalidOperationException>(() =>
            DragMouseHandler.HandleAsync(
                new DragMouse([new Coordinates(1, 1), new Coordinates(9, 9)], PointerButton.Left, []), Desktop(), Token));

        _driver.Events.ShouldBe(["move 1,1", "button Left down", "button Left up"]);
    }

    [Fact]
    public async Task Trace_mouse_moves_to_the_start_before_holding_keys_and_releases_them_at_the_end()
    {
        await TraceMouseHandler.HandleAsync(
            new TraceMouse([new Coordinates(1, 1), new Coordinates(2, 2), new Coordinates(3, 3)], ["alt"]), Desktop(), Token);

        _driver.Events.ShouldBe(["move 1,1", "keys alt down", "move 2,2", "move 3,3", "keys alt up"]);
    }

    [Fact]
    public async Task Type_keys_presses_and_releases_each_key_in_sequence()
    {
        await TypeKeysHandler.HandleAsync(new TypeKeys(["a", "b", "Return"]), Desktop(), Token);

        _driver.Events.ShouldBe(["keys a down", "keys a up", "keys b down", "keys b up", "keys Return down", "keys Return up"]);
    }

    [Fact]
    public async Task Type_keys_as_a_chord_presses_all_then_releases_in_reverse()
    {
        await TypeKeysHandler.HandleAsync(new TypeKeys(["ctrl", "shift", "Escape"], Chord: true), Desktop(), Token);

        _driver.Events.ShouldBe(["keys ctrl,shift,Escape down", "keys Escape,shift,ctrl up"]);
    }

    [Fact]
    public async Task An_unknown_key_rejects_the_whole_action_before_any_key_is_pressed()
    {
        var rejected = await Should.ThrowAsync<ComputerActionRejectedException>(() =>
            TypeKeysHandler.HandleAsync(new TypeKeys(["ctrl", "hyper", "a"]), Desktop(), Token));

        rejected.Errors.Keys.ShouldBe(["keys[1]"]);
        _driver.Events.ShouldBeEmpty();
    }

    [Fact]
    public async Task Press_keys_up_releases_in_reverse_order()
    {
        await PressKeysHandler.HandleAsync(new PressKeys(["ctrl", "shift"], Press.Up), Desktop(), Token);

        _driver.Events.ShouldBe(["keys shift,ctrl up"]);
    }

    [Fact]
    public async Task Paste_text_sets_the_clipboard_then_presses_control_v_with_no_sleep_between()
    {
        await PasteTextHandler.HandleAsync(new PasteText("héllo"), Desktop(), Token);

        _driver.Events.ShouldBe(["clipboard héllo", "keys Control_L,v down", "keys v,Control_L up"]);
    }

    [Fact]
    public async Task Scroll_moves_first_and_holds_keys_around_the_wheel_steps()
    {
        await ScrollHandler.HandleAsync(new Scroll(Direction.Left, 4, new Coordinates(8, 8), ["shift"]), Desktop(), Token);

        _driver.Events.ShouldBe(["move 8,8", "keys shift down", "scroll Left 4", "keys shift up"]);
    }

    [Fact]
    public async Task A_screenshot_passes_its_options_to_the_driver()
    {
        var driver = Substitute.For<IDesktopDriver>();
        driver.GetScreenSizeAsync(Arg.Any<CancellationToken>()).Returns(new ScreenSize(1280, 960));
        driver.ScreenshotAsync(Arg.Any<CaptureOptions>(), Arg.Any<CancellationToken>()).Returns(new EncodedImage([1], 100, 50, ImageFormat.Jpeg));

        var image = await ScreenshotHandler.HandleAsync(
            new Screenshot(ImageEncoding.Jpeg, 55, null, 100, null, new ScreenRegion(0, 0, 200, 100)), Desktop(driver), Token);

        image.ShouldBe(new ScreenshotImage([1], 100, 50, ImageEncoding.Jpeg), new ScreenshotImageComparer());
        await driver.Received(1).ScreenshotAsync(new CaptureOptions(ImageFormat.Jpeg, 55, new ScreenRect(0, 0, 200, 100), null, 100, null), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Settling_reports_how_long_the_driver_waited()
    {
        var report = await WaitForSettleHandler.HandleAsync(new WaitForSettle(TimeSpan.FromMilliseconds(150)), Desktop(), Token);

        report.ShouldBe(new SettleReport(150, true));
    }

    public async ValueTask DisposeAsync() => await _queue.DisposeAsync();

    private sealed class ScreenshotImageComparer : IEqualityComparer<ScreenshotImage>
    {
        public bool Equals(ScreenshotImage? x, ScreenshotImage? y) =>
            x is not null && y is not null && x.Image.SequenceEqual(y.Image) && x.Width == y.Width && x.Height == y.Height && x.Format == y.Format;

        public int GetHashCode(ScreenshotImage obj) => obj.Width;
    }
}
