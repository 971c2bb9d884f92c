using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Bytebot.Cli.Connection;

/// <summary>The host's HTTP API; every failure becomes a <see cref="CliException"/> with one line a person can act on.</summary>
internal sealed class HostClient : IDisposable
{
    private readonly HttpClient _http;

    public HostClient(HostTarget target)
    {
        Url = target.Url;
        // Infinite: the event stream of a long task stays open; requests that must not hang pass their own token.
        _http = new HttpClient { BaseAddress = target.Url, Timeout = Timeout.InfiniteTimeSpan };
        if (target.Token is { } token)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Uri Url { get; }

    public async Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken, params HttpStatusCode[] alsoFine)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), alsoFine, cancellationToken);
        return await ReadJsonAsync(response, cancellationToken);
    }

    public async Task<JsonElement> PostAsync(string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = content }, [], cancellationToken);
        return await ReadJsonAsync(response, cancellationToken);
    }

    /// <summary>Sends with headers read only; the caller owns (and disposes) the streaming response.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        await SendAsync(request, [], cancellationToken, HttpCompletionOption.ResponseHeadersRead);

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpStatusCode[] alsoFine,
        CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        HttpResponseMessage response;
        try
        {
            using (request)
                response = await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach the host at {Url}: {e.Message}");
        }
        if (response.IsSuccessStatusCode || alsoFine.Contains(response.StatusCode))
            return response;
        using (response)
            throw await ErrorOfAsync(response, cancellationToken);
    }

    private async Task<CliException> ErrorOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var code = (int)response.StatusCode;
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return new CliException($"the host at {Url} refused the token ({code} {response.ReasonPhrase}); " +
                "pass --token, set BYTEBOT_TOKEN or run bytebot login");
        var detail = "";
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (body.Length > 0 && JsonDocument.Parse(body).RootElement is { ValueKind: JsonValueKind.Object } problem)
                detail = Problem(problem);
        }
        catch (JsonException)
        {
            // Not problem+json (a proxy's page, say): the status line says enough.
        }
        var exit = code is >= 400 and < 500 and not 429 ? ExitCodes.Usage : ExitCodes.HostError;
        return new CliException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: " +
            $"{code} {response.ReasonPhrase}{(detail.Length > 0 ? ": " + detail : "")}", exit);
    }

    private static string Problem(JsonElement problem)
    {
        var parts = new List<string>();
        if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in errors.EnumerateObject())
                parts.Add($"{field.Name}: {string.Join(" ", field.Value.EnumerateArray().Select(m => m.GetString()))}");
        }
        if (parts.Count == 0 && problem.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
            parts.Add(detail.GetString()!);
        if (parts.Count == 0 && problem.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String)
            parts.Add(title.GetString()!);
        return string.Join("; ", parts);
    }

    private async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (body.Length == 0)
            return default;
        try
        {
            return JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CliException($"the host at {Url} answered {response.RequestMessage?.RequestUri?.AbsolutePath} with something " +
                "that is not JSON; is this a Bytebot host?");
        }
    }

    public void Dispose() => _http.Dispose();
}
