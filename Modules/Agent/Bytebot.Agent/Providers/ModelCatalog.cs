using System.Collections.Concurrent;
using Bytebot.Agent.Contracts;
using Microsoft.Extensions.Configuration;

namespace Bytebot.Agent.Providers;

// Stream: streaming keeps long turns alive through proxies' idle timeouts. Screenshots sent to the model are fitted into
// ScreenshotMaxWidth × ScreenshotMaxHeight (the model's coordinates are mapped back from that size).
internal sealed record ConfiguredModel(
    string Name, string Provider, string Title, string Model, string? BaseUrl, string? ApiKey, bool Stream = true,
    int? ContextWindow = null, int? ScreenshotMaxWidth = null, int? ScreenshotMaxHeight = null)
{
    // Anthropic and OpenAI both document computer use at XGA (1024×768): larger images are downscaled by the API
    // itself (Anthropic above ~1.15 megapixels), and coordinates on an image the model saw resized drift.
    public (int Width, int Height) ScreenshotLimit => (ScreenshotMaxWidth ?? DefaultLimit.Width, ScreenshotMaxHeight ?? DefaultLimit.Height);

    private (int Width, int Height) DefaultLimit => Provider is ModelCatalog.Anthropic or ModelCatalog.OpenAI ? (1024, 768) : (1280, 960);
}

// Models come from ANTHROPIC_API_KEY / OPENAI_API_KEY / GEMINI_API_KEY (Bytebot's defaults) and from Agent:Models entries.
internal sealed class ModelCatalog : IModelCatalog, IDisposable
{
    public const string Anthropic = "anthropic";
    public const string OpenAI = "openai";
    public const string OpenAICompatible = "openai-compatible";

    private readonly TimeProvider _time;
    private readonly Dictionary<string, ConfiguredModel> _byName;
    private readonly ConcurrentDictionary<string, IModelProvider> _providers = new(StringComparer.Ordinal);

    public ModelCatalog(IConfiguration configuration, TimeProvider time)
    {
        _time = time;
        Configured = Read(configuration);
        _byName = Configured.DistinctBy(m => m.Name).ToDictionary(m => m.Name, StringComparer.Ordinal);
        Models = [.. Configured.Select(m => new ModelDescriptor(m.Name, m.Provider, m.Title, m.ContextWindow))];
    }

    public IReadOnlyList<ConfiguredModel> Configured { get; }

    public IReadOnlyList<ModelDescriptor> Models { get; }

    /// <summary>The task's model by name; Bytebot's placeholder <c>default</c> (no model picked) means the first one.</summary>
    public ConfiguredModel? Resolve(string name) =>
        _byName.TryGetValue(name, out var model) ? model
        : name == "default" && Configured.Count > 0 ? Configured[0]
        : null;

    public IModelProvider Provider(string name) =>
        _byName.TryGetValue(name, out var model)
            ? _providers.GetOrAdd(name, _ => Create(model))
            : throw new KeyNotFoundException($"No model named '{name}' is configured.");

    public void Dispose()
    {
        foreach (var provider in _providers.Values.OfType<IDisposable>()) provider.Dispose();
    }

    private IModelProvider Create(ConfiguredModel model) => model.Provider switch
    {
        Anthropic => new AnthropicMessagesProvider(model, _time),
        OpenAI => new OpenAIResponsesProvider(model, _time),
        OpenAICompatible => new ChatCompletionsProvider(model, _time),
        var other => throw new InvalidOperationException($"Agent:Models entry '{model.Name}' names unknown provider '{other}'."),
    };

    private static List<ConfiguredModel> Read(IConfiguration configuration)
    {
        List<ConfiguredModel> models = [];
        if (configuration["ANTHROPIC_API_KEY"] is { Length: > 0 } anthropicKey)
        {
            var url = configuration["ANTHROPIC_BASE_URL"];
            models.Add(new("claude-opus-4-1-20250805", Anthropic, "Claude Opus 4.1", "claude-opus-4-1-20250805", url, anthropicKey, ContextWindow: 200_000));
            models.Add(new("claude-sonnet-4-20250514", Anthropic, "Claude Sonnet 4", "claude-sonnet-4-20250514", url, anthropicKey, ContextWindow: 200_000));
        }
        if (configuration["OPENAI_API_KEY"] is { Length: > 0 } openAIKey)
        {
            var url = configuration["OPENAI_BASE_URL"];
            models.Add(new("o3-2025-04-16", OpenAI, "o3", "o3-2025-04-16", url, openAIKey, ContextWindow: 200_000));
            models.Add(new("gpt-4.1-2025-04-14", OpenAI, "GPT-4.1", "gpt-4.1-2025-04-14", url, openAIKey, ContextWindow: 1_047_576));
        }
        if (configuration["GEMINI_API_KEY"] is { Length: > 0 } geminiKey)
        {
            // Gemini through its OpenAI-compatible endpoint: the official OpenAI SDK, no Google SDK needed.
            var url = configuration["GEMINI_BASE_URL"] is { Length: > 0 } custom ? custom : "https://generativelanguage.googleapis.com/v1beta/openai/";
            models.Add(new("gemini-2.5-pro", OpenAICompatible, "Gemini 2.5 Pro", "gemini-2.5-pro", url, geminiKey, ContextWindow: 1_000_000));
            models.Add(new("gemini-2.5-flash", OpenAICompatible, "Gemini 2.5 Flash", "gemini-2.5-flash", url, geminiKey, ContextWindow: 1_000_000));
        }
        foreach (var entry in configuration.GetSection("Agent:Models").GetChildren())
        {
            var model = entry["Model"] ?? throw new InvalidOperationException($"Agent:Models:{entry.Key}:Model is required.");
            var provider = entry["Provider"] ?? OpenAICompatible;
            // Entries for the hosted providers inherit the key and URL from the top-level variables.
            var (keyName, urlName) = provider switch
            {
                Anthropic => ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
                OpenAI => ("OPENAI_API_KEY", "OPENAI_BASE_URL"),
                _ => ("", ""),
            };
            models.Add(new(
                entry["Name"] ?? model,
                provider,
                entry["Title"] ?? entry["Name"] ?? model,
                model,
                entry["BaseUrl"] ?? configuration[urlName],
                entry["ApiKey"] ?? configuration[keyName],
                entry.GetValue("Stream", defaultValue: true),
                entry.GetValue<int?>("ContextWindow") ?? (provider == OpenAICompatible ? 128_000 : 200_000),
                entry.GetValue<int?>("ScreenshotMaxWidth"),
                entry.GetValue<int?>("ScreenshotMaxHeight")));
        }
        return models;
    }
}
