using Bytebot.Agent.Tools;
using Bytebot.Desktop.Contracts;
using FsCheck;
using FsCheck.Fluent;

namespace Bytebot.Tests.Unit.Agent;

public sealed class ScreenGeometryTests
{
    [Fact]
    public void Every_pixel_of_a_1024x768_screenshot_maps_into_the_block_of_the_1280x960_screen_it_shows_and_back()
    {
        var geometry = ScreenGeometry.Fit(1280, 960, 1024, 768);
        (geometry.ImageWidth, geometry.ImageHeight).ShouldBe((1024, 768));
        for (var x = 0; x < 1024; x++)
        {
            var screen = geometry.ToScreen(new Coordinates(x, x % 768));
            // Model pixel x shows screen columns [1.25 x, 1.25 (x + 1)).
            screen.X.ShouldBeInRange((int)Math.Floor(x * 1.25), (int)Math.Ceiling((x + 1) * 1.25) - 1);
            geometry.ToImage(screen).ShouldBe(new Coordinates(x, x % 768));
        }
        geometry.ToScreen(new Coordinates(1023, 767)).ShouldBe(new Coordinates(1279, 959));
        geometry.ToScreen(new Coordinates(0, 0)).ShouldBe(new Coordinates(0, 0));
    }

    [Fact]
    public void A_zoom_region_in_screenshot_pixels_covers_the_screen_area_it_shows_rounded_outwards()
    {
        var geometry = ScreenGeometry.Fit(1280, 960, 1024, 768);

        geometry.ToScreen(new ScreenRegion(0, 0, 1024, 768)).ShouldBe(new ScreenRegion(0, 0, 1280, 960));
        geometry.ToScreen(new ScreenRegion(100, 100, 201, 100)).ShouldBe(new ScreenRegion(125, 125, 252, 125));
        geometry.ToScreen((ComputerAction)new Zoom(new ScreenRegion(8, 4, 8, 8))).ShouldBeOfType<Zoom>()
            .Region.ShouldBe(new ScreenRegion(10, 5, 10, 10));
        ScreenGeometry.Fit(1280, 960, 1280, 960).ToScreen(new ScreenRegion(3, 4, 5, 6)).ShouldBe(new ScreenRegion(3, 4, 5, 6));
    }

    [Fact]
    public void Points_outside_the_screenshot_stay_outside_the_screen_so_the_desktop_rejects_them()
    {
        var geometry = ScreenGeometry.Fit(1280, 960, 1024, 768);
        geometry.ToScreen(new Coordinates(1024, 10)).X.ShouldBeGreaterThanOrEqualTo(1280);
        geometry.ToScreen(new Coordinates(-1, 10)).X.ShouldBeLessThan(0);
    }

    [Fact]
    public void An_unscaled_screenshot_maps_one_to_one_and_every_action_with_points_is_scaled()
    {
        ScreenGeometry.Fit(1280, 960, 1280, 960).IsScaled.ShouldBeFalse();
        var geometry = ScreenGeometry.Fit(1280, 960, 1024, 768);
        var drag = (DragMouse)geometry.ToScreen(new DragMouse([new(0, 0), new(512, 384)], PointerButton.Left, []));
        drag.Path.ShouldBe([new Coordinates(0, 0), new Coordinates(640, 480)]);
        ((ClickMouse)geometry.ToScreen(new ClickMouse(PointerButton.Left, 1, null, []))).Coordinates.ShouldBeNull();
        ((Scroll)geometry.ToScreen(new Scroll(Direction.Down, 1, new(100, 100), []))).Coordinates.ShouldBe(new Coordinates(125, 125));
    }

    [Fact]
    public void Round_trips_are_the_identity_for_any_screen_and_any_smaller_limit() =>
        Prop.ForAll(
            Gen.Choose(64, 4096).Zip(Gen.Choose(64, 4096)).Zip(Gen.Choose(16, 100)).ToArbitrary(),
            input =>
            {
                var ((width, height), percent) = input;
                var geometry = ScreenGeometry.Fit(width, height, width * percent / 100, height * percent / 100);
                var x = (width * 7 / 11) * geometry.ImageWidth / width;
                var y = (height * 5 / 13) * geometry.ImageHeight / height;
                var screen = geometry.ToScreen(new Coordinates(x, y));
                return screen.X >= 0 && screen.X < width && screen.Y >= 0 && screen.Y < height
                    && geometry.ToImage(screen) == new Coordinates(x, y);
            }).QuickCheckThrowOnFailure();
}
