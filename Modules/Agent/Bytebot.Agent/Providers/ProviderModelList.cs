using System.Net.Http.Headers;
using System.Text.Json;

namespace Bytebot.Agent.Providers;

/// <summary>Where a provider is reached: tasks naming any model it lists go there.</summary>
internal sealed record ModelSource(string Provider, string? BaseUrl, string? ApiKey)
{
    public string Endpoint => Provider == ModelCatalog.Anthropic
        ? $"{(BaseUrl ?? "https://api.anthropic.com").TrimEnd('/')}/v1/models"
        : $"{(BaseUrl ?? "https://api.openai.com/v1").TrimEnd('/')}/models";
}

internal sealed record ListedModel(string Id, string? Title);

/// <summary>One <c>GET /v1/models</c> of a provider, every page of it.</summary>
internal static class ProviderModelList
{
    // Anthropic's documented maximum page size; a list that never ends is cut here rather than looping forever.
    private const int AnthropicPageSize = 1000;
    private const int MaxPages = 20;

    // OpenAI lists every model the key may use, embeddings and speech included; none of those can run a task.
    private static readonly string[] NotChatModels =
    [
        "text-embedding", "whisper", "tts", "dall-e", "gpt-image", "omni-moderation", "text-moderation", "babbage",
        "davinci", "sora",
    ];

    private static readonly string[] NotChatParts = ["-realtime", "-audio", "-transcribe", "-tts"];

    public static async Task<IReadOnlyList<ListedModel>> FetchAsync(
        HttpClient http, ModelSource source, CancellationToken cancellationToken)
    {
        List<ListedModel> models = [];
        string? after = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var url = source.Provider != ModelCatalog.Anthropic ? source.Endpoint
                : after is null ? $"{source.Endpoint}?limit={AnthropicPageSize}"
                : $"{source.Endpoint}?limit={AnthropicPageSize}&after_id={Uri.EscapeDataString(after)}";
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (source.Provider == ModelCatalog.Anthropic)
            {
                request.Headers.Add("x-api-key", source.ApiKey);
                request.Headers.Add("anthropic-version", "2023-06-01");
            }
            else if (source.ApiKey is { Length: > 0 } key)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException(
                    $"GET {source.Endpoint} answered {(int)response.StatusCode}.", null, response.StatusCode);
            }
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var body = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            var root = body.RootElement;
            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
                throw new JsonException($"GET {source.Endpoint} answered without a data array.");
            foreach (var item in data.EnumerateArray())
            {
                if (item.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } name && Runs(source, name))
                {
                    var title = item.TryGetProperty("display_name", out var display) ? display.GetString() : null;
                    models.Add(new ListedModel(name, title));
                }
            }
            if (!(root.TryGetProperty("has_more", out var more) && more.ValueKind == JsonValueKind.True
                  && root.TryGetProperty("last_id", out var last) && last.GetString() is { Length: > 0 } next))
                break;
            after = next;
        }
        return models;
    }

    private static bool Runs(ModelSource source, string id) =>
        source.Provider != ModelCatalog.OpenAI
        || !(NotChatModels.Any(prefix => id.StartsWith(prefix, StringComparison.Ordinal))
             || NotChatParts.Any(part => id.Contains(part, StringComparison.Ordinal)));
}
