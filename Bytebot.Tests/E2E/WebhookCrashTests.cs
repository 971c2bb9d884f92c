using System.Net.Http.Json;
using Bytebot.Tests.Fakes.Webhooks;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Channels;
using Bytebot.Tests.Integration.Tasks;

namespace Bytebot.Tests.E2E;

/// <summary>
/// A webhook's retry outlives a <c>kill -9</c>: the host is its own process, killed after the second failed attempt
/// while the third waits as a scheduled envelope in PostgreSQL; a new host on the same database delivers it.
/// </summary>
public sealed class WebhookCrashTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_retry_waiting_when_the_host_is_killed_is_delivered_by_the_next_host()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500, 500);
        var database = await postgres.CreateDatabaseAsync();
        var dataDir = Directory.CreateTempSubdirectory("bytebot-data-").FullName;
        var token = "bbt_test_" + Guid.NewGuid().ToString("N");
        var baseUrl = $"http://127.0.0.1:{Bytebot.Platform.Os.LoopbackPort.Free()}";
        var environment = new Dictionary<string, string>
        {
            ["Desktop__Mode"] = "External",
            ["DISPLAY"] = TestDisplays.Unreachable,
            ["Desktop__Vnc"] = "false",
            ["Notifications__Webhooks__0__Url"] = receiver.Url.ToString(),
            ["Notifications__Webhooks__0__Secret"] = WebhookReceiver.Secret,
            ["Notifications__Webhooks__0__Events__0"] = "task.created",
            // Long enough for a kill and a restart to fall inside the second wait.
            ["Notifications__RetryDelays__0"] = "00:00:01",
            ["Notifications__RetryDelays__1"] = "00:00:05",
        };
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            Guid subscription;
            using (var first = await PublishedHost.StartAsync(baseUrl, token, database, dataDir, dataDir, environment))
            {
                subscription = await ConfiguredSubscriptionAsync(client);
                await TasksHost.CreateTaskAsync(client, new { description = "Survive a crash" });
                await receiver.WaitForAsync(2, TimeSpan.FromSeconds(30));
                // Recorded with the third attempt's envelope, in one transaction.
                (await WebhookTests.DeliveriesAsync(client, subscription, 2)).Count.ShouldBe(2);
                first.Kill();
            }
            receiver.Received.Count.ShouldBe(2);

            using (await PublishedHost.StartAsync(baseUrl, token, database, dataDir, dataDir, environment))
            {
                var received = await receiver.WaitForAsync(3, TimeSpan.FromSeconds(60));
                received.Select(r => r.Answered).ShouldBe([500, 500, 200]);
                received.ShouldAllBe(r => r.Verified);
                received.Select(r => r.Id).Distinct().ShouldHaveSingleItem();
                (await ConfiguredSubscriptionAsync(client)).ShouldBe(subscription);
                var attempts = await WebhookTests.DeliveriesAsync(client, subscription, 3);
                attempts.Select(a => a.GetProperty("outcome").GetString())
                    .ShouldBe(["delivered", "retrying", "retrying"]);
            }
        }
        finally
        {
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
                // A child's last writes can race the delete; the temp dir is harmless.
            }
        }
    }

    private static async Task<Guid> ConfiguredSubscriptionAsync(HttpClient client)
    {
        var listed = await client.GetFromJsonAsync<System.Text.Json.JsonElement>(
            "/api/webhooks", TestContext.Current.CancellationToken);
        var only = listed.EnumerateArray().ShouldHaveSingleItem();
        only.GetProperty("source").GetString().ShouldBe("configuration");
        return only.GetProperty("id").GetGuid();
    }
}
