using Bytebot.Desktop.Contracts;

namespace Bytebot.Agent.Tools;

/// <summary>
/// A screenshot's size against the screen's. A model pixel covers a block of screen pixels; its coordinate maps to the
/// screen pixel under that block's centre, so a click on the centre of a target the model sees lands on the target.
/// </summary>
internal sealed record ScreenGeometry(int ScreenWidth, int ScreenHeight, int ImageWidth, int ImageHeight)
{
    /// <summary>The size the desktop produces for a screenshot fitted into <paramref name="maxWidth"/> × <paramref name="maxHeight"/>.</summary>
    public static ScreenGeometry Fit(int screenWidth, int screenHeight, int maxWidth, int maxHeight)
    {
        var factor = Math.Min(1.0, Math.Min((double)maxWidth / screenWidth, (double)maxHeight / screenHeight));
        if (factor >= 1.0)
            return new(screenWidth, screenHeight, screenWidth, screenHeight);
        return new(screenWidth, screenHeight,
            Math.Min(maxWidth, Math.Max(1, (int)Math.Round(screenWidth * factor))),
            Math.Min(maxHeight, Math.Max(1, (int)Math.Round(screenHeight * factor))));
    }

    public bool IsScaled => ImageWidth != ScreenWidth || ImageHeight != ScreenHeight;

    public Coordinates ToScreen(Coordinates point)
    {
        ArgumentNullException.ThrowIfNull(point);
        return new Coordinates(Axis(point.X, ImageWidth, ScreenWidth), Axis(point.Y, ImageHeight, ScreenHeight));
    }

    public Coordinates ToImage(Coordinates point)
    {
        ArgumentNullException.ThrowIfNull(point);
        return new Coordinates(Axis(point.X, ScreenWidth, ImageWidth), Axis(point.Y, ScreenHeight, ImageHeight));
    }

    /// <summary>Scales every point of an action; other actions pass through.</summary>
    public ComputerAction ToScreen(ComputerAction action) => action switch
    {
        MoveMouse a => a with { Coordinates = ToScreen(a.Coordinates) },
        TraceMouse a => a with { Path = [.. a.Path.Select(ToScreen)] },
        ClickMouse { Coordinates: { } c } a => a with { Coordinates = ToScreen(c) },
        PressMouse { Coordinates: { } c } a => a with { Coordinates = ToScreen(c) },
        DragMouse a => a with { Path = [.. a.Path.Select(ToScreen)] },
        Scroll { Coordinates: { } c } a => a with { Coordinates = ToScreen(c) },
        Zoom a => a with { Region = ToScreen(a.Region) },
        ReadScreen { Region: { } r } a => a with { Region = ToScreen(r) },
        FindText { Region: { } r } a => a with { Region = ToScreen(r) },
        _ => action,
    };

    /// <summary>A region's edges (not its pixels' centres): the screen area the image region covers, rounded outwards.</summary>
    public ScreenRegion ToScreen(ScreenRegion region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var (x0, y0) = (Edge(region.X, ImageWidth, ScreenWidth, up: false), Edge(region.Y, ImageHeight, ScreenHeight, up: false));
        var (x1, y1) = (Edge((long)region.X + region.Width, ImageWidth, ScreenWidth, up: true),
            Edge((long)region.Y + region.Height, ImageHeight, ScreenHeight, up: true));
        return new ScreenRegion(x0, y0, (int)Math.Min(int.MaxValue, (long)x1 - x0), (int)Math.Min(int.MaxValue, (long)y1 - y0));
    }

    /// <summary>A screen box as the screenshot shows it, rounded outwards.</summary>
    public ScreenRegion ToImage(ScreenRegion box)
    {
        ArgumentNullException.ThrowIfNull(box);
        var (x0, y0) = (Edge(box.X, ScreenWidth, ImageWidth, up: false), Edge(box.Y, ScreenHeight, ImageHeight, up: false));
        var (x1, y1) = (Edge((long)box.X + box.Width, ScreenWidth, ImageWidth, up: true),
            Edge((long)box.Y + box.Height, ScreenHeight, ImageHeight, up: true));
        return new ScreenRegion(x0, y0, x1 - x0, y1 - y0);
    }

    private static int Edge(long value, int from, int to, bool up)
    {
        var scaled = from == to ? value : up ? (value * to + from - 1) / from : (long)Math.Floor((double)value * to / from);
        return (int)Math.Clamp(scaled, int.MinValue, int.MaxValue);
    }

    // Pixel centre to pixel centre, both ways, so a round trip is the identity when scaling down. Points outside the image
    // land outside the screen, where the desktop's bounds check reports them to the model.
    private static int Axis(int value, int from, int to) => from == to ? value : (int)Math.Floor((value + 0.5) * to / from);
}
