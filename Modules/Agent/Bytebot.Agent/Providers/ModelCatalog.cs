using Bytebot.Secrets.Contracts;
using System.Collections.Concurrent;
using System.Text.Json;
using Bytebot.Agent.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bytebot.Agent.Providers;

// Stream: streaming keeps long turns alive through proxies' idle timeouts. Screenshots sent to the model are fitted into
// ScreenshotMaxWidth × ScreenshotMaxHeight (the model's coordinates are mapped back from that size). ComputerTool: the
// desktop actions as Bytebot's computer_* functions or as the provider's own computer tool (ADR 0053).
internal sealed record ConfiguredModel(
    string Name, string Provider, string Title, string Model, string? BaseUrl, string? ApiKey, bool Stream = true,
    int? ContextWindow = null, int? ScreenshotMaxWidth = null, int? ScreenshotMaxHeight = null,
    ComputerToolKind ComputerTool = ComputerToolKind.Functions)
{
    // Anthropic and OpenAI both document computer use at XGA (1024×768): larger images are downscaled by the API
    // itself (Anthropic above ~1.15 megapixels), and coordinates on an image the model saw resized drift.
    public (int Width, int Height) ScreenshotLimit => (ScreenshotMaxWidth ?? DefaultLimit.Width, ScreenshotMaxHeight ?? DefaultLimit.Height);

    private (int Width, int Height) DefaultLimit => Provider is ModelCatalog.Anthropic or ModelCatalog.OpenAI ? (1024, 768) : (1280, 960);
}

// Models come from ANTHROPIC_API_KEY / OPENAI_API_KEY / GEMINI_API_KEY (Bytebot's defaults), from Agent:Models entries,
// and from what each of those providers' GET /v1/models lists (ADR 0050).
internal sealed partial class ModelCatalog : IModelCatalog, IDisposable
{
    public const string Anthropic = "anthropic";
    public const string OpenAI = "openai";
    public const string OpenAICompatible = "openai-compatible";

    private static readonly string[] KnownProviders = [Anthropic, OpenAI, OpenAICompatible];

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, ConfiguredModel> _byName;
    private readonly Dictionary<ModelSource, ConfiguredModel> _templates;
    private readonly ConcurrentDictionary<ConfiguredModel, IModelProvider> _providers = new();
    private readonly Func<ISecretValues?>? _secrets;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _gate = new();
    private Task? _firstListing;
    private Listing _listing;
    private int _disposeCount;

    public ModelCatalog(
        IConfiguration configuration, TimeProvider time, ILogger<ModelCatalog>? logger = null, Func<ISecretValues?>? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _time = time;
        _secrets = secrets;
#pragma warning disable CA2000 // the HttpClient owns the handlers and dies in Dispose
        _http = new HttpClient(new VaultKeys(secrets, new SocketsHttpHandler())) { Timeout = TimeSpan.FromSeconds(10) };
#pragma warning restore CA2000
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Configured = Read(configuration);
        _byName = Configured.DistinctBy(m => m.Name).ToDictionary(m => m.Name, StringComparer.Ordinal);
        _templates = Configured.Select(m => (Source: new ModelSource(m.Provider, m.BaseUrl, m.ApiKey), Model: m))
            .DistinctBy(s => s.Source).ToDictionary(s => s.Source, s => s.Model);
        Sources = [.. _templates.Keys];
        RefreshInterval = configuration.GetValue("Agent:ModelRefresh", TimeSpan.FromMinutes(10));
        _listing = Listing.Of(Configured, new Dictionary<ModelSource, SourceList>());
    }

    public IReadOnlyList<ConfiguredModel> Configured { get; }

    /// <summary>Every distinct provider endpoint the configured models reach, in configuration order.</summary>
    public IReadOnlyList<ModelSource> Sources { get; }

    /// <summary>How often the providers' lists are asked for again; zero turns listing off.</summary>
    public TimeSpan RefreshInterval { get; }

    public IReadOnlyList<ModelDescriptor> Models => _listing.Models;

    public async Task<IReadOnlyList<ModelDescriptor>> ListAsync(CancellationToken cancellationToken)
    {
        await FirstListingAsync(cancellationToken);
        return Models;
    }

    public async Task<ModelAvailability> CheckAsync(string provider, string name, CancellationToken cancellationToken)
    {
        if (!KnownProviders.Contains(provider, StringComparer.Ordinal))
            return ModelAvailability.UnknownProvider;
        if (!Sources.Any(s => s.Provider == provider))
            return ModelAvailability.ProviderNotConfigured;
        await FirstListingAsync(cancellationToken);
        var listing = _listing;
        if (listing.Models.Any(m => m.Provider == provider && m.Name == name))
            return ModelAvailability.Available;
        // A provider whose list never answered may serve any name: the provider itself says when it does not.
        return listing.Lists.Any(l => l.Key.Provider == provider && l.Value.Models is not null)
            ? ModelAvailability.NotListed
            : ModelAvailability.Available;
    }

    /// <summary>
    /// The task's model: a configured one by name, Bytebot's placeholder <c>default</c> (no model picked) as the first
    /// one, else a model the provider listed or, for a configured provider, any name, sent to that provider as is.
    /// </summary>
    public ConfiguredModel? Resolve(string name, string? provider = null)
    {
        if (_byName.TryGetValue(name, out var model))
            return model;
        if (name == "default" && Configured.Count > 0)
            return Configured[0];
        var listing = _listing;
        var source = listing.Lists.FirstOrDefault(l => (provider is null || l.Key.Provider == provider)
            && l.Value.Models?.Any(m => m.Id == name) == true).Key
            ?? Sources.FirstOrDefault(s => s.Provider == provider);
        if (source is null)
            return null;
        var title = listing.Models.FirstOrDefault(m => m.Name == name && m.Provider == source.Provider)?.Title ?? name;
        return _templates[source] with
        {
            Name = name,
            Title = title,
            Model = name,
            ContextWindow = BuiltInModels.ContextWindowOf(source.Provider, name),
            // A listed model was never configured: it gets the default tools, not those of the entry it came through.
            ComputerTool = ComputerToolKind.Functions,
        };
    }

    public IModelProvider Provider(ConfiguredModel model) => _providers.GetOrAdd(model, Create);

    public IModelProvider Provider(string name) =>
        Provider(Resolve(name) ?? throw new KeyNotFoundException($"No model named '{name}' is configured."));

    /// <summary>Asks every provider for its list again; a failing one keeps its last good list.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var previous = _listing.Lists;
        var fetched = await Task.WhenAll(Sources.Select(async source =>
        {
            var before = previous.GetValueOrDefault(source) ?? new SourceList(null, Failing: false);
            try
            {
                var models = await ProviderModelList.FetchAsync(_http, source, cancellationToken);
                if (before.Failing)
                    LogListRecovered(_logger, source.Provider, source.Endpoint, models.Count);
                return (source, new SourceList(models, Failing: false));
            }
            // A malformed base URL (UriFormat, InvalidOperation, NotSupported) fails its list like an unreachable one.
            catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException or UriFormatException
                                          or InvalidOperationException or NotSupportedException
                                      && !cancellationToken.IsCancellationRequested)
            {
                // Logged once per outage, not every refresh: the last good list (or the built-in one) stays in use.
                if (!before.Failing)
                    LogListFailed(_logger, source.Provider, source.Endpoint, e.Message);
                return (source, before with { Failing = true });
            }
        }));
        _listing = Listing.Of(Configured, fetched.ToDictionary(f => f.source, f => f.Item2));
    }

    // The container disposes the catalog once per service it is registered as (the class and IModelCatalog).
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeCount, 1) == 1)
            return;
        _disposed.Cancel();
        _disposed.Dispose();
        _http.Dispose();
        foreach (var provider in _providers.Values.OfType<IDisposable>()) provider.Dispose();
    }

    private Task FirstListingAsync(CancellationToken cancellationToken)
    {
        if (RefreshInterval <= TimeSpan.Zero || Sources.Count == 0)
            return Task.CompletedTask;
        Task first;
        lock (_gate)
            first = _firstListing ??= RefreshAsync(_disposed.Token);
        return first.WaitAsync(cancellationToken);
    }

    private IModelProvider Create(ConfiguredModel model) => model.Provider switch
    {
        Anthropic => new AnthropicMessagesProvider(model, _time, _secrets),
        OpenAI => new OpenAIResponsesProvider(model, _time, _secrets),
        _ => new ChatCompletionsProvider(model, _time, _secrets),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listing the models of {Provider} at {Endpoint} failed ({Reason}); "
        + "its last good list (or the built-in one) is served.")]
    private static partial void LogListFailed(ILogger logger, string provider, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Listing the models of {Provider} at {Endpoint} works again: {Count} models.")]
    private static partial void LogListRecovered(ILogger logger, string provider, string endpoint, int count);

    /// <summary>A provider's list: null until it first answered; Failing while its last call failed.</summary>
    private sealed record SourceList(IReadOnlyList<ListedModel>? Models, bool Failing);

    // One immutable snapshot, swapped whole: readers never see a list half refreshed.
    private sealed record Listing(
        IReadOnlyList<ModelDescriptor> Models, IReadOnlyDictionary<ModelSource, SourceList> Lists)
    {
        public static Listing Of(
            IReadOnlyList<ConfiguredModel> configured, IReadOnlyDictionary<ModelSource, SourceList> lists)
        {
            var models = configured.DistinctBy(m => m.Name)
                .Select(m => new ModelDescriptor(m.Name, m.Provider, m.Title, m.ContextWindow)).ToList();
            var names = models.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var (source, list) in lists)
            {
                foreach (var listed in (list.Models ?? []).Where(l => names.Add(l.Id)))
                {
                    var title = listed.Title ?? BuiltInModels.Find(listed.Id)?.Title ?? listed.Id;
                    models.Add(new ModelDescriptor(
                        listed.Id, source.Provider, title, BuiltInModels.ContextWindowOf(source.Provider, listed.Id)));
                }
            }
            return new Listing(models, lists);
        }
    }

    private static ComputerToolKind ComputerToolOf(IConfigurationSection entry, string provider) => entry["ComputerTool"] switch
    {
        null or "functions" => ComputerToolKind.Functions,
        "native" when provider is Anthropic or OpenAI => ComputerToolKind.Native,
        "native" => throw new InvalidOperationException(
            $"Agent:Models:{entry.Key}:ComputerTool: native needs provider anthropic or openai, not '{provider}'."),
        var other => throw new InvalidOperationException(
            $"Agent:Models:{entry.Key}:ComputerTool must be native or functions, not '{other}'."),
    };

    private static List<ConfiguredModel> Read(IConfiguration configuration)
    {
        List<ConfiguredModel> models = [];
        void Offer(string provider, string? url, string key) => models.AddRange(BuiltInModels.All
            .Where(m => m.Provider == provider && m.Offered)
            .Select(m => new ConfiguredModel(m.Id, provider, m.Title, m.Id, url, key, ContextWindow: m.ContextWindow)));
        if (configuration["ANTHROPIC_API_KEY"] is { Length: > 0 } anthropicKey)
            Offer(Anthropic, configuration["ANTHROPIC_BASE_URL"], anthropicKey);
        if (configuration["OPENAI_API_KEY"] is { Length: > 0 } openAIKey)
            Offer(OpenAI, configuration["OPENAI_BASE_URL"], openAIKey);
        if (configuration["GEMINI_API_KEY"] is { Length: > 0 } geminiKey)
        {
            // Gemini through its OpenAI-compatible endpoint: the official OpenAI SDK, no Google SDK needed.
            Offer(OpenAICompatible, configuration["GEMINI_BASE_URL"] is { Length: > 0 } custom ? custom
                : "https://generativelanguage.googleapis.com/v1beta/openai/", geminiKey);
        }
        foreach (var entry in configuration.GetSection("Agent:Models").GetChildren())
        {
            var model = entry["Model"] ?? throw new InvalidOperationException($"Agent:Models:{entry.Key}:Model is required.");
            var provider = entry["Provider"] ?? OpenAICompatible;
            if (!KnownProviders.Contains(provider, StringComparer.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Agent:Models:{entry.Key}:Provider must be anthropic, openai or openai-compatible, not '{provider}'.");
            }
            // Entries for the hosted providers inherit the key and URL from the top-level variables.
            var (keyName, urlName) = provider switch
            {
                Anthropic => ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
                OpenAI => ("OPENAI_API_KEY", "OPENAI_BASE_URL"),
                _ => ("", ""),
            };
            var key = entry["ApiKey"] ?? configuration[keyName];
            if (provider != OpenAICompatible && string.IsNullOrEmpty(key))
            {
                throw new InvalidOperationException(
                    $"Agent:Models:{entry.Key} names {provider}: set {keyName} or Agent:Models:{entry.Key}:ApiKey.");
            }
            models.Add(new(
                entry["Name"] ?? model,
                provider,
                entry["Title"] ?? entry["Name"] ?? model,
                model,
                entry["BaseUrl"] ?? configuration[urlName],
                key,
                entry.GetValue("Stream", defaultValue: true),
                entry.GetValue<int?>("ContextWindow") ?? BuiltInModels.ContextWindowOf(provider, model),
                entry.GetValue<int?>("ScreenshotMaxWidth"),
                entry.GetValue<int?>("ScreenshotMaxHeight"),
                ComputerToolOf(entry, provider)));
        }
        return models;
    }
}
