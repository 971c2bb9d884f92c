using MudBlazor;

namespace Bytebot.Dashboard.Components.Layout;

internal static class DashboardTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight { Primary = "#3949ab", AppbarBackground = "#283593" },
        PaletteDark = new PaletteDark { Primary = "#8c9eff", AppbarBackground = "#1e1e2d" },
    };
}
