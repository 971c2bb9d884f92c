using System.Text.RegularExpressions;

namespace Bytebot.Agent.Providers;

/// <summary>USD per million tokens.</summary>
internal sealed record ModelPrice(decimal Input, decimal Output, decimal CacheRead, decimal CacheWrite);

/// <summary>What is known of a model without asking its provider; <paramref name="Offered"/> ones are listed with a key.</summary>
internal sealed record ModelFacts(
    string Provider, string Id, string Title, int ContextWindow, ModelPrice Price, bool Offered = false);

// List prices and context windows as the providers publish them (checked 2026-12). A provider's /v1/models names
// dated snapshots ("gpt-5-2025-08-07") and aliases ("claude-sonnet-4-5"): both find the entry of their undated name.
internal static partial class BuiltInModels
{
    public const int DefaultContextWindow = 200_000;

    // Local and proxied models rarely take more, and summarising early is cheaper than a refused request.
    public const int CompatibleContextWindow = 128_000;

    public static IReadOnlyList<ModelFacts> All { get; } =
    [
        new(ModelCatalog.Anthropic, "claude-opus-4-5-20251101", "Claude Opus 4.5", 200_000, new(5m, 25m, 0.5m, 6.25m), Offered: true),
        new(ModelCatalog.Anthropic, "claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", 200_000, new(3m, 15m, 0.3m, 3.75m), Offered: true),
        new(ModelCatalog.Anthropic, "claude-haiku-4-5-20251001", "Claude Haiku 4.5", 200_000, new(1m, 5m, 0.1m, 1.25m), Offered: true),
        new(ModelCatalog.Anthropic, "claude-opus-4-1-20250805", "Claude Opus 4.1", 200_000, new(15m, 75m, 1.5m, 18.75m), Offered: true),
        new(ModelCatalog.Anthropic, "claude-sonnet-4-20250514", "Claude Sonnet 4", 200_000, new(3m, 15m, 0.3m, 3.75m), Offered: true),
        new(ModelCatalog.Anthropic, "claude-opus-4-20250514", "Claude Opus 4", 200_000, new(15m, 75m, 1.5m, 18.75m)),
        new(ModelCatalog.Anthropic, "claude-3-7-sonnet-20250219", "Claude Sonnet 3.7", 200_000, new(3m, 15m, 0.3m, 3.75m)),
        new(ModelCatalog.Anthropic, "claude-3-5-haiku-20241022", "Claude Haiku 3.5", 200_000, new(0.8m, 4m, 0.08m, 1m)),
        new(ModelCatalog.OpenAI, "gpt-5", "GPT-5", 400_000, new(1.25m, 10m, 0.125m, 0m), Offered: true),
        new(ModelCatalog.OpenAI, "gpt-5-mini", "GPT-5 mini", 400_000, new(0.25m, 2m, 0.025m, 0m), Offered: true),
        new(ModelCatalog.OpenAI, "o3-2025-04-16", "o3", 200_000, new(2m, 8m, 0.5m, 0m), Offered: true),
        new(ModelCatalog.OpenAI, "gpt-4.1-2025-04-14", "GPT-4.1", 1_047_576, new(2m, 8m, 0.5m, 0m), Offered: true),
        new(ModelCatalog.OpenAI, "gpt-5.1", "GPT-5.1", 400_000, new(1.25m, 10m, 0.125m, 0m)),
        new(ModelCatalog.OpenAI, "gpt-5-nano", "GPT-5 nano", 400_000, new(0.05m, 0.4m, 0.005m, 0m)),
        new(ModelCatalog.OpenAI, "gpt-4.1-mini", "GPT-4.1 mini", 1_047_576, new(0.4m, 1.6m, 0.1m, 0m)),
        new(ModelCatalog.OpenAI, "gpt-4.1-nano", "GPT-4.1 nano", 1_047_576, new(0.1m, 0.4m, 0.025m, 0m)),
        new(ModelCatalog.OpenAI, "o4-mini", "o4-mini", 200_000, new(1.1m, 4.4m, 0.275m, 0m)),
        new(ModelCatalog.OpenAI, "o3-mini", "o3-mini", 200_000, new(1.1m, 4.4m, 0.55m, 0m)),
        new(ModelCatalog.OpenAI, "o1", "o1", 200_000, new(15m, 60m, 7.5m, 0m)),
        new(ModelCatalog.OpenAI, "gpt-4o", "GPT-4o", 128_000, new(2.5m, 10m, 1.25m, 0m)),
        new(ModelCatalog.OpenAI, "computer-use-preview", "Computer use preview", 8_192, new(3m, 12m, 0m, 0m)),
        new(ModelCatalog.OpenAICompatible, "gemini-2.5-pro", "Gemini 2.5 Pro", 1_048_576, new(1.25m, 10m, 0.125m, 0m), Offered: true),
        new(ModelCatalog.OpenAICompatible, "gemini-2.5-flash", "Gemini 2.5 Flash", 1_048_576, new(0.3m, 2.5m, 0.03m, 0m), Offered: true),
    ];

    private static readonly Dictionary<string, ModelFacts> ByUndatedId = All
        .GroupBy(m => Undated(m.Id), StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    public static ModelFacts? Find(string modelId) =>
        All.FirstOrDefault(m => m.Id == modelId) ?? ByUndatedId.GetValueOrDefault(Undated(modelId));

    public static int ContextWindowOf(string provider, string modelId) => Find(modelId)?.ContextWindow
        ?? (provider == ModelCatalog.OpenAICompatible ? CompatibleContextWindow : DefaultContextWindow);

    private static string Undated(string id) => DateSuffix().Replace(id, "");

    [GeneratedRegex(@"-(\d{8}|\d{4}-\d{2}-\d{2})$")]
    private static partial Regex DateSuffix();
}
