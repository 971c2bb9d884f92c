using Microsoft.Playwright;

namespace Bytebot.Tests.Infrastructure;

public static class DashboardBrowser
{
    /// <summary>Opens <paramref name="path"/>, is sent to the sign-in page, signs in with the token and lands back on it.</summary>
    public static async Task SignInAsync(IPage page, string baseUrl, string token, string path)
    {
        await page.GotoAsync(baseUrl + path);
        await page.GetByLabel("API token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(baseUrl + path);
    }
}
