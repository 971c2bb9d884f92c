using Microsoft.Playwright;

namespace Bytebot.Tests.Infrastructure;

public static class DashboardBrowser
{
    /// <summary>The MudBlazor theme's app bar colours (DashboardTheme): a page that shows them loaded its styles.</summary>
    public const string LightAppBar = "rgb(40, 53, 147)";

    public const string DarkAppBar = "rgb(30, 30, 45)";

    /// <summary>Opens <paramref name="path"/>, is sent to the sign-in page, signs in with the token and lands back on it.</summary>
    public static async Task SignInAsync(IPage page, string baseUrl, string token, string path)
    {
        await page.GotoAsync(baseUrl + path);
        await page.GetByLabel("API token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(baseUrl + path);
        await WaitForCircuitAsync(page);
    }

    /// <summary>Waits until the page is interactive: prerendered HTML is there at once, the circuit a moment later.</summary>
    public static Task WaitForCircuitAsync(IPage page) =>
        Assertions.Expect(page.Locator("[data-circuit='connected']")).ToBeVisibleAsync(new() { Timeout = 30_000 });

    public static Task<string> AppBarColourAsync(IPage page) =>
        page.Locator(".mud-appbar").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");

    /// <summary>Opens a MudSelect by its label and picks the option shown as <paramref name="option"/>.</summary>
    public static async Task SelectAsync(IPage page, string label, string option)
    {
        await page.GetByLabel(label).ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText(option, new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }
}
