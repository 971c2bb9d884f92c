using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Platform.Postgres;
using Bytebot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E;

/// <summary>
/// The fleet page in Chromium: this host online, a node that stopped heartbeating offline with its capabilities,
/// drain and undrain through the buttons, as the API then reports.
/// </summary>
public sealed class NodesPageTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task The_nodes_page_lists_the_fleet_with_status_and_capabilities_and_drains_and_undrains_a_node()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = host.Factory.Services.GetRequiredService<BytebotDatabase>();
        await using (var insert = database.DataSource.CreateCommand("""
            insert into nodes (name, capabilities, version, width, height, last_seen_at, url)
            values ('gpu-box', '{gpu,firefox}', '1.0.0', 1920, 1080, now() - interval '5 minutes',
                    'http://gpu-box:9990/')
            """))
            await insert.ExecuteNonQueryAsync(ct);
        using var client = host.Factory.CreateAuthenticatedClient();
        string? self = null;
        await Integration.Tasks.TasksHost.WaitUntilAsync(async () =>
        {
            var nodes = await client.GetFromJsonAsync<JsonElement>("/api/nodes", ct);
            self = nodes.EnumerateArray().FirstOrDefault(n => n.GetProperty("status").GetString() == "online") is
                { ValueKind: JsonValueKind.Object } n ? n.GetProperty("name").GetString() : null;
            return self is not null;
        }, TimeSpan.FromSeconds(30));

        var page = await host.OpenAsync("/nodes");
        await Assertions.Expect(page.Locator("[data-nodes][data-loaded='true']")).ToBeVisibleAsync();
        var own = page.Locator($"[data-node='{self}']");
        var offline = page.Locator("[data-node='gpu-box']");
        await Assertions.Expect(own).ToHaveAttributeAsync("data-node-status", "online");
        await Assertions.Expect(offline).ToHaveAttributeAsync("data-node-status", "offline");
        await Assertions.Expect(offline.Locator("[data-node-capabilities]")).ToContainTextAsync("gpu");
        await Assertions.Expect(offline.Locator("[data-node-running]")).ToHaveTextAsync("0");
        await Assertions.Expect(offline.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Nodes" })).ToBeVisibleAsync();

        await own.GetByRole(AriaRole.Button, new() { Name = "Drain" }).ClickAsync();
        await Assertions.Expect(own).ToHaveAttributeAsync("data-node-status", "draining");
        await Assertions.Expect(own.Locator("[data-node-state]")).ToContainTextAsync("draining");
        // The chip's colour follows the status it shows, not the one it first rendered with.
        await Assertions.Expect(own.Locator("[data-node-state] .status-chip"))
            .ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-chip-color-warning"));
        (await StatusAsync(client, self!)).ShouldBe("draining");
        await Screenshots.SaveAsync(page, "dashboard-nodes");

        await own.GetByRole(AriaRole.Button, new() { Name = "Undrain" }).ClickAsync();
        await Assertions.Expect(own).ToHaveAttributeAsync("data-node-status", "online");
        await Assertions.Expect(own.Locator("[data-node-state] .status-chip"))
            .ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-chip-color-success"));
        (await StatusAsync(client, self!)).ShouldBe("online");
    }

    private static async Task<string?> StatusAsync(HttpClient client, string node) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/nodes", TestContext.Current.CancellationToken))
            .EnumerateArray().Single(n => n.GetProperty("name").GetString() == node).GetProperty("status").GetString();
}
