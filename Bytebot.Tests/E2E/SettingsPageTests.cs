using System.Text.Json;
using Bytebot.Tests.Fakes.Webhooks;
using Bytebot.Tests.Integration.Channels;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E;

/// <summary>The settings page in Chromium: webhook subscriptions listed, and a test delivery sent from it.</summary>
public sealed class SettingsPageTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task Settings_lists_the_webhook_subscriptions_and_Send_test_delivers_a_signed_test_message()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = host.Factory.CreateAuthenticatedClient();
        var id = await WebhookTests.SubscribeAsync(client, receiver.Url, "task.failed");

        var page = await host.OpenAsync("/settings");
        var row = page.Locator($"[data-webhook='{id}']");
        await Assertions.Expect(row).ToContainTextAsync(receiver.Url.OriginalString);
        await Assertions.Expect(row).ToContainTextAsync("task.failed");
        await Assertions.Expect(row).ToContainTextAsync("enabled");
        await row.GetByRole(AriaRole.Button, new() { Name = "Send test" }).ClickAsync();

        await Assertions.Expect(row.Locator("[data-webhook-test-result]")).ToHaveTextAsync("delivered (200)");
        var received = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(30))).Single();
        received.Verified.ShouldBeTrue();
        using var payload = JsonDocument.Parse(received.Payload);
        payload.RootElement.GetProperty("type").GetString().ShouldBe("webhook.test");
        (await page.ContentAsync()).ShouldNotContain(WebhookReceiver.Secret[6..]);
    }
}
