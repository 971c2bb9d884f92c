using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Bytebot.Tests.Fakes.Webhooks;

/// <summary>
/// A loopback webhook receiver: verifies every request with the StandardWebhooks verifier (a request that fails it is
/// recorded as unverified and answered 401), and answers from a script of statuses, then 200.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script = new();
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public static async Task<WebhookReceiver> StartAsync(params int[] statuses)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        foreach (var status in statuses)
            receiver._script.Enqueue(status);
        app.MapPost("/hook", (Delegate)receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Url = new Uri(new Uri(app.Urls.Single()), "/hook");
        return receiver;
    }

    public void Script(params int[] statuses)
    {
        foreach (var status in statuses)
            _script.Enqueue(status);
    }

    /// <summary>Waits until <paramref name="count"/> requests in all have arrived.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(int count, TimeSpan within)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(within);
        while (_received.Count < count)
            await _arrived.WaitAsync(limit.Token);
        return Received;
    }

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        var arrived = Stopwatch.GetTimestamp();
        using var reader = new StreamReader(context.Request.Body);
        var payload = await reader.ReadToEndAsync(context.RequestAborted);
        var verified = true;
        try
        {
            new StandardWebhook(Secret).Verify(payload, context.Request.Headers);
        }
        catch (WebhookVerificationException)
        {
            verified = false;
        }
        var status = !verified ? 401 : _script.TryDequeue(out var scripted) ? scripted : 200;
        _received.Enqueue(new ReceivedWebhook(
            context.Request.Headers["webhook-id"].ToString(), payload, verified, status, arrived));
        _arrived.Release();
        return Results.StatusCode(status);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _arrived.Dispose();
    }
}

// Arrived: a Stopwatch timestamp.
internal sealed record ReceivedWebhook(string Id, string Payload, bool Verified, int Answered, long Arrived);
