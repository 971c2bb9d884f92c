using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Fakes.Webhooks;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;

namespace Bytebot.Tests.Integration.Channels;

/// <summary>
/// Signed webhooks on a real host and PostgreSQL, to a loopback receiver that verifies every signature with the
/// StandardWebhooks verifier. Retry delays are shortened so the ladder runs in seconds.
/// </summary>
public sealed class WebhookTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _actionLog = Path.Combine(Path.GetTempPath(), $"bytebot-webhooks-{Guid.NewGuid():N}.log");
    private static readonly string[] UnknownEvent = ["task.x"];

    private BytebotHostFactory? _host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var settings = TasksHost.Settings("webhooks", _actionLog);
        // Far apart: a retry due just after the host started can wait seconds for Wolverine's scheduled-job agent
        // (measured: a 1 s delay took 3.2 s on a loaded machine), and the test compares the two waits.
        settings["Notifications:RetryDelays:0"] = "00:00:00.500";
        settings["Notifications:RetryDelays:1"] = "00:00:06";
        settings["Notifications:Jitter"] = "0.1";
        settings["Notifications:DashboardUrl"] = "http://bytebot.example:9990";
        _host = TasksHost.Create(await postgres.CreateDatabaseAsync(), settings);
        using var client = _host.CreateAuthenticatedClient();
        (await client.GetAsync(new Uri("/api/webhooks", UriKind.Relative), Ct)).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        File.Delete(_actionLog);
    }

    [Fact]
    public async Task A_500_twice_then_200_is_three_signed_attempts_with_one_id_and_growing_delays()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500, 500);
        using var client = _host!.CreateAuthenticatedClient();
        var subscription = await SubscribeAsync(client, receiver.Url, "task.created");

        var taskId = await TasksHost.CreateTaskAsync(client, new { description = "Send the weekly report" });

        var received = await receiver.WaitForAsync(3, TimeSpan.FromSeconds(30));
        received.Count.ShouldBe(3);
        received.ShouldAllBe(r => r.Verified);
        received.Select(r => r.Id).Distinct().ShouldHaveSingleItem().ShouldStartWith("msg_");
        received.Select(r => r.Answered).ShouldBe([500, 500, 200]);
        var first = Stopwatch.GetElapsedTime(received[0].Arrived, received[1].Arrived);
        var second = Stopwatch.GetElapsedTime(received[1].Arrived, received[2].Arrived);
        second.ShouldBeGreaterThan(first, $"waits {first} then {second}");
        using (var payload = JsonDocument.Parse(received[2].Payload))
        {
            var root = payload.RootElement;
            root.GetProperty("type").GetString().ShouldBe("task.created");
            var data = root.GetProperty("data");
            data.GetProperty("taskId").GetGuid().ShouldBe(taskId);
            data.GetProperty("description").GetString().ShouldBe("Send the weekly report");
            data.GetProperty("status").GetString().ShouldBe("PENDING");
            data.GetProperty("dashboardUrl").GetString().ShouldBe($"http://bytebot.example:9990/tasks/{taskId}");
        }

        var attempts = await DeliveriesAsync(client, subscription, 3);
        attempts.Select(a => a.GetProperty("outcome").GetString()).ShouldBe(["delivered", "retrying", "retrying"]);
        attempts.Select(a => a.GetProperty("attempt").GetInt32()).ShouldBe([3, 2, 1]);
        attempts.Select(a => a.GetProperty("messageId").GetString()).ShouldAllBe(id => id == received[0].Id);
        attempts[1].GetProperty("statusCode").GetInt32().ShouldBe(500);
    }

    [Fact]
    public async Task A_410_disables_the_subscription_and_nothing_more_is_sent_to_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync(410);
        using var client = _host!.CreateAuthenticatedClient();
        var subscription = await SubscribeAsync(client, receiver.Url);

        await TasksHost.CreateTaskAsync(client, new { description = "First" });
        (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(30))).Single().Answered.ShouldBe(410);
        var attempts = await DeliveriesAsync(client, subscription, 1);
        attempts.Single().GetProperty("outcome").GetString().ShouldBe("disabled");
        var listed = (await client.GetFromJsonAsync<JsonElement>("/api/webhooks", Ct)).EnumerateArray()
            .Single(s => s.GetProperty("id").GetGuid() == subscription);
        listed.GetProperty("enabled").GetBoolean().ShouldBeFalse();

        // A second receiver, subscribed after, proves events still flow while the disabled one gets nothing.
        await using var witness = await WebhookReceiver.StartAsync();
        await SubscribeAsync(client, witness.Url, "task.created");
        await TasksHost.CreateTaskAsync(client, new { description = "Second" });
        await witness.WaitForAsync(1, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        receiver.Received.Count.ShouldBe(1);
        (await PostTestAsync(client, subscription.ToString())).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_test_delivery_goes_to_that_subscription_only_signed_whatever_events_it_names()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var bystander = await WebhookReceiver.StartAsync();
        using var client = _host!.CreateAuthenticatedClient();
        var subscription = await SubscribeAsync(client, receiver.Url, "task.failed");
        await SubscribeAsync(client, bystander.Url);

        using var response = await PostTestAsync(client, subscription.ToString());

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var messageId = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("messageId").GetString();
        var received = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(30))).Single();
        received.Verified.ShouldBeTrue();
        received.Id.ShouldBe(messageId);
        using (var payload = JsonDocument.Parse(received.Payload))
        {
            payload.RootElement.GetProperty("type").GetString().ShouldBe("webhook.test");
            payload.RootElement.GetProperty("data").GetProperty("subscriptionId").GetGuid().ShouldBe(subscription);
        }
        var attempt = (await DeliveriesAsync(client, subscription, 1)).Single();
        attempt.GetProperty("event").GetString().ShouldBe("webhook.test");
        attempt.GetProperty("outcome").GetString().ShouldBe("delivered");
        bystander.Received.ShouldBeEmpty();
        (await PostTestAsync(client, Guid.NewGuid().ToString())).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var invalid = await PostTestAsync(client, "nope");
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await invalid.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("id", out _)
            .ShouldBeTrue();
    }

    private static Task<HttpResponseMessage> PostTestAsync(HttpClient client, string id) =>
        client.PostAsync(new Uri($"/api/webhooks/{id}/test", UriKind.Relative), null, Ct);

    [Fact]
    public async Task Subscriptions_are_checked_field_by_field_listed_without_secrets_and_deleted()
    {
        using var client = _host!.CreateAuthenticatedClient();
        await ShouldRefuseAsync(client, new { url = "ftp://x", secret = WebhookReceiver.Secret }, "url");
        await ShouldRefuseAsync(client, new { url = "http://127.0.0.1:1/h", secret = "plain" }, "secret");
        await ShouldRefuseAsync(client, new { url = "http://127.0.0.1:1/h" }, "secret");
        await ShouldRefuseAsync(
            client, new { url = "http://127.0.0.1:1/h", secret = WebhookReceiver.Secret, events = UnknownEvent },
            "events");
        (await client.GetFromJsonAsync<JsonElement>("/api/webhooks", Ct)).GetArrayLength().ShouldBe(0);

        var id = await SubscribeAsync(client, new Uri("http://127.0.0.1:1/h"), "task.failed");
        var text = await client.GetStringAsync(new Uri("/api/webhooks", UriKind.Relative), Ct);
        text.ShouldContain(id.ToString());
        text.ShouldNotContain(WebhookReceiver.Secret[6..]);
        text.ShouldNotContain("secret", Case.Insensitive);

        (await client.DeleteAsync(new Uri($"/api/webhooks/{id}", UriKind.Relative), Ct)).StatusCode
            .ShouldBe(HttpStatusCode.NoContent);
        (await client.DeleteAsync(new Uri($"/api/webhooks/{id}", UriKind.Relative), Ct)).StatusCode
            .ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync(new Uri("/api/webhooks/nope/deliveries", UriKind.Relative), Ct)).StatusCode
            .ShouldBe(HttpStatusCode.BadRequest);
    }

    internal static async Task<Guid> SubscribeAsync(HttpClient client, Uri url, params string[] events)
    {
        using var response = await client.PostAsJsonAsync(
            "/api/webhooks", new { url, secret = WebhookReceiver.Secret, events }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    internal static async Task<IReadOnlyList<JsonElement>> DeliveriesAsync(
        HttpClient client, Guid subscription, int count)
    {
        // The attempt is recorded just after the receiver answered it.
        for (var tries = 0; ; tries++)
        {
            var attempts = (await client.GetFromJsonAsync<JsonElement>($"/api/webhooks/{subscription}/deliveries", Ct))
                .EnumerateArray().ToList();
            if (attempts.Count >= count || tries > 100)
                return attempts;
            await Task.Delay(100, Ct);
        }
    }

    private static async Task ShouldRefuseAsync(HttpClient client, object body, string field)
    {
        using var response = await client.PostAsJsonAsync("/api/webhooks", body, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty(field, out _)
            .ShouldBeTrue();
    }
}
