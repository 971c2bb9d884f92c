using System.Globalization;
using Bytebot.Agent.Providers;
using Bytebot.Agent.Tools;
using Microsoft.Extensions.Configuration;

namespace Bytebot.Agent;

/// <summary>Per-task limits, and <c>MonthlyCost</c> for all tasks of a calendar month (UTC); null: no limit.</summary>
internal sealed record AgentLimits(
    int MaxSteps, long? MaxTokens, decimal? MaxCost, TimeSpan? MaxDuration, decimal? MonthlyCost = null);

/// <summary>The loop's settings, from the <c>Agent</c> section (<c>Agent__KeepImages</c>, <c>Agent__Limits__MaxSteps</c>, …).</summary>
internal sealed record AgentOptions
{
    public int KeepImages { get; init; } = 3;

    public int MaxOutputTokens { get; init; } = 8192;

    /// <summary>Fraction of the context window at which the conversation is summarised.</summary>
    public double SummarizeAt { get; init; } = 0.75;

    public int DefaultContextWindow { get; init; } = 200_000;

    /// <summary>Model names tried in order when the task's model keeps failing with retryable errors.</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];

    public int RetryAttempts { get; init; } = 4;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    public AgentLimits Limits { get; init; } = new(MaxSteps: 300, MaxTokens: null, MaxCost: null, MaxDuration: TimeSpan.FromHours(4));

    /// <summary>The same tool call this many times in a row stops the task with NEEDS_HELP.</summary>
    public int LoopThreshold { get; init; } = 5;

    /// <summary>This many answers in a row without a tool call stop the task with NEEDS_HELP.</summary>
    public int MaxTurnsWithoutTools { get; init; } = 3;

    public SettleWindows Settle { get; init; } = SettleWindows.Default;

    /// <summary>Prices by model id; a model found neither here nor by its undated id has no known cost.</summary>
    public IReadOnlyDictionary<string, ModelPrice> Prices { get; init; } = DefaultPrices;

    // Override with Agent:Prices:{model}:*.
    public static IReadOnlyDictionary<string, ModelPrice> DefaultPrices { get; } =
        BuiltInModels.All.ToDictionary(m => m.Id, m => m.Price, StringComparer.Ordinal);

    public ModelPrice? PriceOf(string model) => Prices.GetValueOrDefault(model)
        ?? (BuiltInModels.Find(model) is { } facts ? Prices.GetValueOrDefault(facts.Id) : null);

    public static AgentOptions FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Agent");
        var defaults = new AgentOptions();
        var limits = section.GetSection("Limits");
        var prices = new Dictionary<string, ModelPrice>(DefaultPrices, StringComparer.Ordinal);
        foreach (var price in section.GetSection("Prices").GetChildren())
        {
            prices[price.Key] = new ModelPrice(
                Decimal(price["Input"]) ?? 0m, Decimal(price["Output"]) ?? 0m, Decimal(price["CacheRead"]) ?? 0m, Decimal(price["CacheWrite"]) ?? 0m);
        }
        return new AgentOptions
        {
            KeepImages = section.GetValue("KeepImages", defaults.KeepImages),
            MaxOutputTokens = section.GetValue("MaxOutputTokens", defaults.MaxOutputTokens),
            SummarizeAt = section.GetValue("SummarizeAt", defaults.SummarizeAt),
            DefaultContextWindow = section.GetValue("DefaultContextWindow", defaults.DefaultContextWindow),
            Fallbacks = [.. section.GetSection("Fallbacks").GetChildren().Select(c => c.Value).OfType<string>().Where(v => v.Length > 0)],
            RetryAttempts = section.GetValue("Retry:MaxAttempts", defaults.RetryAttempts),
            RetryBaseDelay = section.GetValue("Retry:BaseDelay", defaults.RetryBaseDelay),
            Limits = new AgentLimits(
                limits.GetValue("MaxSteps", defaults.Limits.MaxSteps),
                limits.GetValue<long?>("MaxTokens", defaults.Limits.MaxTokens),
                Decimal(limits["MaxCost"]) ?? defaults.Limits.MaxCost,
                limits.GetValue("MaxDuration", defaults.Limits.MaxDuration),
                MonthlyCost(limits["MonthlyCost"])),
            LoopThreshold = section.GetValue("LoopThreshold", defaults.LoopThreshold),
            MaxTurnsWithoutTools = section.GetValue("MaxTurnsWithoutTools", defaults.MaxTurnsWithoutTools),
            Settle = SettleWindows.Bind(section.GetSection("Settle")),
            Prices = prices,
        };
    }

    /// <summary>Unset or empty: no budget; anything else must be a number of US dollars above 0.</summary>
    public static decimal? MonthlyCost(string? value) =>
        value is not { Length: > 0 } ? null
        : Decimal(value) is { } cost && cost > 0 ? cost
        : throw new InvalidOperationException(
            $"Agent:Limits:MonthlyCost is '{value}'; it must be a number of US dollars above 0, such as 50 or 12.5.");

    private static decimal? Decimal(string? value) =>
        decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
}
