using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bytebot.Tests.Fakes.Llm;

/// <summary>
/// A loopback server speaking the providers' wire protocols, so the official SDK clients run for real.
/// Each endpoint answers from its own script queue and records every request body it received; an Anthropic
/// request with <c>"stream": true</c> gets the scripted reply as that API's server-sent events.
/// </summary>
internal sealed class FakeLlmServer : IAsyncDisposable
{
    public const string AnthropicMessages = "/v1/messages";
    public const string OpenAIResponses = "/v1/responses";
    public const string ChatCompletions = "/v1/chat/completions";
    public const string Models = "/v1/models";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ScriptedReply>> _scripts = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private FakeLlmServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>What <c>GET /v1/models</c> lists, in Anthropic's shape to an <c>x-api-key</c> caller, else OpenAI's.</summary>
    public IReadOnlyList<string> ListedModels { get; set; } = [];

    /// <summary>Anything but 200 fails the list call with that status.</summary>
    public int ModelsStatus { get; set; } = 200;

    /// <summary>The largest Anthropic page served, whatever <c>limit</c> asks for, so that paging is exercised.</summary>
    public int ModelsPageSize { get; set; } = 1000;

    /// <summary>The list calls received, path and query.</summary>
    public IReadOnlyList<RecordedRequest> ModelListRequests => [.. _requests.Where(r => r.Path.StartsWith(Models, StringComparison.Ordinal))];

    public static async Task<FakeLlmServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeLlmServer(app);
        foreach (var path in new[] { AnthropicMessages, OpenAIResponses, ChatCompletions })
            app.MapPost(path, (HttpContext context) => server.ReplyAsync(path, context));
        app.MapGet(Models, (HttpContext context) => server.ListModelsAsync(context));
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Urls.Single());
        return server;
    }

    public FakeLlmServer Script(string path, params ScriptedReply[] replies)
    {
        var queue = _scripts.GetOrAdd(path, _ => new ConcurrentQueue<ScriptedReply>());
        foreach (var reply in replies) queue.Enqueue(reply);
        return this;
    }

    /// <summary>Forgets scripts and recorded requests (between tests sharing one server).</summary>
    public void Reset()
    {
        _scripts.Clear();
        _requests.Clear();
    }

    public IReadOnlyList<JsonElement> Bodies(string path) => [.. _requests.Where(r => r.Path == path).Select(r => r.Body)];

    private async Task ListModelsAsync(HttpContext context)
    {
        var request = context.Request;
        _requests.Enqueue(new RecordedRequest(Models + request.QueryString, JsonSerializer.SerializeToElement(new { }),
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), DateTimeOffset.UtcNow));
        context.Response.StatusCode = ModelsStatus;
        context.Response.ContentType = "application/json";
        object body;
        var listed = ListedModels.ToList();
        if (ModelsStatus != 200)
        {
            body = new { type = "error", error = new { type = "api_error", message = "scripted list failure" } };
        }
        else if (request.Headers.ContainsKey("x-api-key"))
        {
            // Anthropic: newest first, pages of `limit` after `after_id`, has_more/last_id to go on.
            var after = request.Query["after_id"].ToString();
            var start = after.Length == 0 ? 0 : listed.IndexOf(after) + 1;
            var limit = Math.Min(ModelsPageSize, int.TryParse(request.Query["limit"], out var asked) ? asked : 20);
            var page = listed.Skip(start).Take(limit).ToList();
            body = new
            {
                data = page.Select(id => new { type = "model", id, display_name = $"Fake {id}", created_at = "2026-11-24T00:00:00Z" }),
                has_more = start + page.Count < listed.Count,
                first_id = page.FirstOrDefault(),
                last_id = page.LastOrDefault(),
            };
        }
        else
        {
            body = new { @object = "list", data = listed.Select(id => new { id, @object = "model", created = 1_760_000_000, owned_by = "fake" }) };
        }
        await context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }

    private async Task ReplyAsync(string path, HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        _requests.Enqueue(new RecordedRequest(path, body.RootElement.Clone(),
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), DateTimeOffset.UtcNow));

        // The real API refuses a history whose tool calls and results do not pair up; so does the fake, so tests catch it.
        if (path == AnthropicMessages && (AnthropicRules.Violation(body.RootElement)
                ?? AnthropicRules.BetaViolation(
                    body.RootElement, context.Request.Headers["anthropic-beta"].ToString())) is { } violation)
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new { type = "error", error = new { type = "invalid_request_error", message = violation } }), context.RequestAborted);
            return;
        }

        var reply = _scripts.TryGetValue(path, out var queue) && queue.TryDequeue(out var next)
            ? next
            : new ScriptedReply(500, """{"error":{"type":"script_exhausted","message":"the test scripted no further reply"}}""");
        if (reply.Delay is { } delay)
            await Task.Delay(delay, context.RequestAborted);
        context.Response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
        if (reply.ContentType is { } contentType)
        {
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(reply.Body, context.RequestAborted);
            return;
        }
        if (reply.Status == 200 && body.RootElement.TryGetProperty("stream", out var stream) && stream.GetBoolean())
        {
            var includeUsage = body.RootElement.TryGetProperty("stream_options", out var streamOptions)
                && streamOptions.TryGetProperty("include_usage", out var usage) && usage.GetBoolean();
            context.Response.ContentType = "text/event-stream";
            foreach (var sse in path switch
            {
                AnthropicMessages => AnthropicEventStream.Events(reply.Body),
                OpenAIResponses => OpenAIEventStreams.Responses(reply.Body),
                _ => OpenAIEventStreams.ChatCompletions(reply.Body, includeUsage),
            })
            {
                await context.Response.WriteAsync(sse, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
            return;
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

// ContentType set: Body goes out verbatim, not as JSON or as a converted stream.
internal sealed record ScriptedReply(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, string? ContentType = null)
{
    /// <summary>How long the server thinks before answering.</summary>
    public TimeSpan? Delay { get; init; }

    public static ScriptedReply Json(object body) => new(200, JsonSerializer.Serialize(body));

    /// <summary>A stream that starts and then fails, as Anthropic does when it is overloaded mid-answer (HTTP 200).</summary>
    public static ScriptedReply AnthropicStreamError(string errorType) => new(200, $$$$"""
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-test","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}

        event: error
        data: {"type":"error","error":{"type":"{{{{errorType}}}}","message":"scripted"}}


        """, ContentType: "text/event-stream");

    /// <summary>An error in the shape all three APIs share closely enough for their SDKs to parse.</summary>
    public static ScriptedReply Error(int status, string? retryAfter = null) => new(
        status,
        JsonSerializer.Serialize(new { type = "error", error = new { type = "scripted_error", message = $"scripted {status}" } }),
        retryAfter is null ? null : new Dictionary<string, string> { ["retry-after"] = retryAfter });
}

internal sealed record RecordedRequest(string Path, JsonElement Body, IReadOnlyDictionary<string, string> Headers, DateTimeOffset ReceivedAt);
