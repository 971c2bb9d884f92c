using Bytebot.Agent.Contracts;
using Bytebot.Agent.Providers;
using Bytebot.Tests.Fakes.Llm;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Bytebot.Tests.Integration.Agent;

/// <summary>The catalog against a loopback fake serving <c>GET /v1/models</c> as Anthropic and OpenAI do.</summary>
public sealed class ModelListTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FakeLlmServer _llm = null!;
    private readonly CountingLogger _log = new();

    public async ValueTask InitializeAsync() => _llm = await FakeLlmServer.StartAsync();

    public async ValueTask DisposeAsync() => await _llm.DisposeAsync();

    private ModelCatalog Catalog(string provider) => new(new ConfigurationBuilder().AddInMemoryCollection(provider == "anthropic"
        ? new Dictionary<string, string?> { ["ANTHROPIC_API_KEY"] = "sk-ant-list", ["ANTHROPIC_BASE_URL"] = _llm.BaseUrl.ToString() }
        : new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "sk-openai-list", ["OPENAI_BASE_URL"] = new Uri(_llm.BaseUrl, "v1").ToString() })
        .Build(), TimeProvider.System, _log);

    private static string Fresh(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Anthropic_is_asked_with_its_key_and_version_and_every_page_is_listed()
    {
        string[] listed = [Fresh("claude-a"), Fresh("claude-b"), Fresh("claude-c")];
        _llm.ListedModels = listed;
        _llm.ModelsPageSize = 2;
        using var catalog = Catalog("anthropic");

        var models = await catalog.ListAsync(Ct);

        foreach (var name in listed)
            models.ShouldContain(new ModelDescriptor(name, "anthropic", $"Fake {name}", 200_000));
        models.Select(m => m.Name).ShouldContain("claude-sonnet-4-20250514", "the built-in models stay listed");
        var calls = _llm.ModelListRequests;
        calls.Select(c => c.Path).ShouldBe(["/v1/models?limit=1000", $"/v1/models?limit=1000&after_id={listed[1]}"]);
        calls.ShouldAllBe(c => c.Headers["x-api-key"] == "sk-ant-list" && c.Headers["anthropic-version"] == "2023-06-01");
        (await catalog.CheckAsync("anthropic", listed[2], Ct)).ShouldBe(ModelAvailability.Available);
        (await catalog.CheckAsync("anthropic", Fresh("claude-z"), Ct)).ShouldBe(ModelAvailability.NotListed);
    }

    [Fact]
    public async Task OpenAI_is_asked_with_a_bearer_key_and_models_that_cannot_run_a_task_are_left_out()
    {
        var listed = Fresh("gpt-x");
        _llm.ListedModels = [listed, "text-embedding-3-small", "gpt-4o-realtime-preview"];
        using var catalog = Catalog("openai");

        var names = (await catalog.ListAsync(Ct)).Select(m => m.Name).ToList();

        names.ShouldContain(listed);
        names.ShouldNotContain("text-embedding-3-small");
        names.ShouldNotContain("gpt-4o-realtime-preview");
        _llm.ModelListRequests.Single().Headers["authorization"].ShouldBe("Bearer sk-openai-list");
        var model = catalog.Resolve(listed, "openai").ShouldNotBeNull();
        (model.Model, model.BaseUrl, model.ApiKey).ShouldBe((listed, new Uri(_llm.BaseUrl, "v1").ToString(), "sk-openai-list"));
    }

    [Fact]
    public async Task A_failing_list_serves_the_built_in_models_then_the_last_good_list_and_is_logged_once()
    {
        _llm.ModelsStatus = 500;
        using var catalog = Catalog("anthropic");

        var builtIn = (await catalog.ListAsync(Ct)).Select(m => m.Name).ToList();
        builtIn.ShouldBe(catalog.Configured.Select(m => m.Name));
        // No list is known yet, so no name is refused for being missing from it.
        (await catalog.CheckAsync("anthropic", Fresh("claude-new"), Ct)).ShouldBe(ModelAvailability.Available);

        var listed = Fresh("claude-listed");
        _llm.ModelsStatus = 200;
        _llm.ListedModels = [listed];
        await catalog.RefreshAsync(Ct);
        _llm.ModelsStatus = 503;
        await catalog.RefreshAsync(Ct);
        await catalog.RefreshAsync(Ct);

        catalog.Models.Select(m => m.Name).ShouldContain(listed);
        _llm.ModelListRequests.Count.ShouldBe(4);
        _log.Warnings.ShouldBe(2, "one warning per outage, not per failed refresh");
    }

    private sealed class CountingLogger : ILogger<ModelCatalog>
    {
        private int _warnings;

        public int Warnings => _warnings;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
                Interlocked.Increment(ref _warnings);
        }
    }
}
