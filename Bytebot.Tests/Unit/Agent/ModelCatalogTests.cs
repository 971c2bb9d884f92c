using Bytebot.Agent;
using Bytebot.Agent.Contracts;
using Bytebot.Agent.Providers;
using Microsoft.Extensions.Configuration;

namespace Bytebot.Tests.Unit.Agent;

public sealed class ModelCatalogTests
{
    private static ModelCatalog Catalog(Dictionary<string, string?> settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), TimeProvider.System);

    [Fact]
    public void Keys_turn_on_the_hosted_providers_and_Agent_Models_adds_compatible_servers()
    {
        using var catalog = Catalog(new()
        {
            ["ANTHROPIC_API_KEY"] = "a",
            ["OPENAI_API_KEY"] = "o",
            ["Agent:Models:0:Name"] = "local-qwen",
            ["Agent:Models:0:Title"] = "Qwen3 VL (Ollama)",
            ["Agent:Models:0:Provider"] = "openai-compatible",
            ["Agent:Models:0:Model"] = "qwen3-vl:8b",
            ["Agent:Models:0:BaseUrl"] = "http://127.0.0.1:11434/v1",
        });

        catalog.Models.ShouldBe(
        [
            new ModelDescriptor("claude-opus-4-5-20251101", "anthropic", "Claude Opus 4.5", 200_000),
            new ModelDescriptor("claude-sonnet-4-5-20250929", "anthropic", "Claude Sonnet 4.5", 200_000),
            new ModelDescriptor("claude-haiku-4-5-20251001", "anthropic", "Claude Haiku 4.5", 200_000),
            new ModelDescriptor("claude-opus-4-1-20250805", "anthropic", "Claude Opus 4.1", 200_000),
            new ModelDescriptor("claude-sonnet-4-20250514", "anthropic", "Claude Sonnet 4", 200_000),
            new ModelDescriptor("gpt-5", "openai", "GPT-5", 400_000),
            new ModelDescriptor("gpt-5-mini", "openai", "GPT-5 mini", 400_000),
            new ModelDescriptor("o3-2025-04-16", "openai", "o3", 200_000),
            new ModelDescriptor("gpt-4.1-2025-04-14", "openai", "GPT-4.1", 1_047_576),
            new ModelDescriptor("local-qwen", "openai-compatible", "Qwen3 VL (Ollama)", 128_000),
        ]);
        catalog.Provider("local-qwen").ShouldBeOfType<ChatCompletionsProvider>();
    }

    [Fact]
    public void Without_keys_or_entries_nothing_is_listed()
    {
        using var catalog = Catalog([]);

        catalog.Models.ShouldBeEmpty();
        catalog.Resolve("claude-sonnet-4-20250514", "anthropic").ShouldBeNull();
        Should.Throw<KeyNotFoundException>(() => catalog.Provider("claude-sonnet-4-20250514"));
    }

    [Fact]
    public void An_entry_for_a_hosted_provider_inherits_its_key_and_base_url()
    {
        using var catalog = Catalog(new()
        {
            ["OPENAI_API_KEY"] = "o",
            ["OPENAI_BASE_URL"] = "http://proxy:4000/v1",
            ["Agent:Models:0:Provider"] = "openai",
            ["Agent:Models:0:Model"] = "gpt-5",
        });

        catalog.Configured[^1].ShouldBe(new ConfiguredModel("gpt-5", "openai", "gpt-5", "gpt-5", "http://proxy:4000/v1", "o", ContextWindow: 400_000));
    }

    [Fact]
    public void A_Gemini_key_adds_Gemini_on_its_OpenAI_compatible_endpoint()
    {
        using var catalog = Catalog(new() { ["GEMINI_API_KEY"] = "g" });

        catalog.Models.Select(m => (m.Name, m.Provider)).ShouldBe([("gemini-2.5-pro", "openai-compatible"), ("gemini-2.5-flash", "openai-compatible")]);
        catalog.Configured[0].BaseUrl.ShouldBe("https://generativelanguage.googleapis.com/v1beta/openai/");
        catalog.Configured[0].ApiKey.ShouldBe("g");
    }

    [Fact]
    public async Task A_provider_that_is_unknown_or_has_no_key_is_refused_before_any_listing()
    {
        using var catalog = Catalog(new() { ["ANTHROPIC_API_KEY"] = "a", ["Agent:ModelRefresh"] = "00:00:00" });

        (await catalog.CheckAsync("acme", "claude-opus-4-5-20251101", TestContext.Current.CancellationToken))
            .ShouldBe(ModelAvailability.UnknownProvider);
        (await catalog.CheckAsync("openai", "gpt-5", TestContext.Current.CancellationToken))
            .ShouldBe(ModelAvailability.ProviderNotConfigured);
        (await catalog.CheckAsync("anthropic", "claude-opus-4-5-20251101", TestContext.Current.CancellationToken))
            .ShouldBe(ModelAvailability.Available);
    }

    [Fact]
    public void Any_name_of_a_configured_provider_resolves_to_that_provider_with_its_key_and_url()
    {
        var name = $"claude-next-{Guid.NewGuid():N}";
        using var catalog = Catalog(new() { ["ANTHROPIC_API_KEY"] = "a", ["ANTHROPIC_BASE_URL"] = "http://127.0.0.1:1" });

        var model = catalog.Resolve(name, "anthropic").ShouldNotBeNull();

        (model.Name, model.Model, model.Provider, model.BaseUrl, model.ApiKey, model.ContextWindow)
            .ShouldBe((name, name, "anthropic", "http://127.0.0.1:1", "a", 200_000));
        catalog.Provider(model).ShouldBeOfType<AnthropicMessagesProvider>();
        catalog.Resolve(name, "openai").ShouldBeNull();
    }

    [Fact]
    public void An_entry_naming_a_provider_that_does_not_exist_stops_the_start()
    {
        var error = Should.Throw<InvalidOperationException>(() => Catalog(new()
        {
            ["Agent:Models:0:Provider"] = "proxy",
            ["Agent:Models:0:Model"] = "m",
        }));

        error.Message.ShouldContain("Agent:Models:0:Provider");
    }

    [Theory]
    [InlineData("gpt-5-2025-08-07", "gpt-5")]
    [InlineData("claude-sonnet-4-5", "claude-sonnet-4-5-20250929")]
    [InlineData("claude-haiku-4-5-20251001", "claude-haiku-4-5-20251001")]
    public void Dated_snapshots_and_aliases_find_the_built_in_price_and_window(string listed, string builtIn)
    {
        var options = new AgentOptions();

        options.PriceOf(listed).ShouldBe(AgentOptions.DefaultPrices[builtIn]);
        BuiltInModels.ContextWindowOf("openai", listed).ShouldBe(BuiltInModels.Find(builtIn)!.ContextWindow);
    }

    [Fact]
    public void An_unknown_model_has_no_price_and_a_default_window()
    {
        new AgentOptions().PriceOf("llama-4-scout").ShouldBeNull();
        BuiltInModels.ContextWindowOf("openai", "llama-4-scout").ShouldBe(200_000);
        BuiltInModels.ContextWindowOf("openai-compatible", "llama-4-scout").ShouldBe(128_000);
    }
}
