using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tasks.Contracts;
using Bytebot.Tests.Fakes.Llm;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Bytebot.Tests.Integration.Agent;

/// <summary>
/// Issue 14's second acceptance line: with only Anthropic's key and base URL set (a loopback fake serving
/// <c>/v1/models</c>), a model only the provider lists is offered and runs a task; the real agent loop, on a bare Xvfb.
/// </summary>
public sealed class ProviderModelsTests(ProviderModelsHost host, PostgresFixture postgres) : IClassFixture<ProviderModelsHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_model_only_the_provider_lists_is_offered_and_a_task_using_it_completes()
    {
        var models = await host.Client.GetFromJsonAsync<JsonElement>("/api/tasks/models", Ct);

        var offered = models.EnumerateArray().Single(m => m.GetProperty("name").GetString() == host.Listed);
        offered.GetProperty("provider").GetString().ShouldBe("anthropic");
        offered.GetProperty("title").GetString().ShouldBe($"Fake {host.Listed}");
        models.EnumerateArray().Select(m => m.GetProperty("name").GetString()).ShouldContain("claude-sonnet-4-20250514");
        host.Llm.ModelListRequests.ShouldAllBe(r => r.Headers["x-api-key"] == "sk-ant-models");
        host.Llm.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUse("toolu_done", "set_task_status", new { status = "completed", description = "ok" }));

        var id = await TasksHost.CreateTaskAsync(host.Client, new
        {
            description = "finish at once",
            model = new { provider = "anthropic", name = host.Listed, title = host.Listed },
        });
        await TasksHost.WaitUntilAsync(async () => await StatusAsync(id) is "COMPLETED" or "FAILED" or "NEEDS_HELP", TimeSpan.FromSeconds(60));

        (await StatusAsync(id)).ShouldBe("COMPLETED");
        host.Llm.Bodies(FakeLlmServer.AnthropicMessages).Single().GetProperty("model").GetString().ShouldBe(host.Listed);
    }

    [Theory]
    [InlineData("acme", "claude-sonnet-4-20250514", "model.provider")]
    [InlineData("openai", "gpt-5", "model.provider")]
    [InlineData("anthropic", "claude-never-listed", "model.name")]
    public async Task Every_create_path_refuses_an_unknown_or_unconfigured_provider_and_an_unlisted_model(
        string provider, string name, string field)
    {
        var model = new { provider, name, title = name };
        using var json = await host.Client.PostAsJsonAsync("/api/tasks", new { description = "refused", model }, Ct);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("refused"), "description" },
            { new StringContent(JsonSerializer.Serialize(model)), "model" },
        };
        using var multipart = await host.Client.PostAsync(new Uri("/api/tasks", UriKind.Relative), form, Ct);
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();

        foreach (var response in new[] { json, multipart })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        }
        var refused = await Should.ThrowAsync<TaskRefusedException>(() => bus.InvokeAsync<TaskCreatedReply>(
            new CreateTaskCommand(new TaskDraft("refused", CreatedBy: "ASSISTANT", Model: new TaskModel(provider, name, name))), Ct));
        refused.Field.ShouldBe(field);
    }

    [Fact]
    public async Task A_failing_model_list_still_answers_200_with_the_built_in_list()
    {
        await using var failing = await FakeLlmServer.StartAsync();
        failing.ModelsStatus = 500;
        var settings = TasksHost.Settings("provider-models-failing", Path.Combine(Path.GetTempPath(), $"bytebot-models-{Guid.NewGuid():N}.log"));
        settings["OPENAI_API_KEY"] = "sk-openai-failing";
        settings["OPENAI_BASE_URL"] = new Uri(failing.BaseUrl, "v1").ToString();
        await using var factory = TasksHost.Create(await postgres.CreateDatabaseAsync(), settings);
        using var client = factory.CreateAuthenticatedClient();

        using var response = await client.GetAsync(new Uri("/api/tasks/models", UriKind.Relative), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var names = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray()
            .Select(m => (m.GetProperty("provider").GetString(), m.GetProperty("name").GetString())).ToList();
        names.ShouldBe([("openai", "gpt-5"), ("openai", "gpt-5-mini"), ("openai", "o3-2025-04-16"), ("openai", "gpt-4.1-2025-04-14")]);
        failing.ModelListRequests.ShouldNotBeEmpty("the list was asked for and failed");
    }

    private async Task<string?> StatusAsync(Guid id) =>
        (await host.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct)).GetProperty("status").GetString();
}

/// <summary>The host with only Anthropic configured, its fake serving two pages of models.</summary>
public sealed class ProviderModelsHost(PostgresFixture postgres) : IAsyncLifetime
{
    public string Listed { get; } = $"claude-fake-{Guid.NewGuid():N}";

    internal FakeLlmServer Llm { get; private set; } = null!;

    public BytebotHostFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    private BareXvfb? _xvfb;

    public async ValueTask InitializeAsync()
    {
        Llm = await FakeLlmServer.StartAsync();
        // Two pages: the host walks has_more/last_id too.
        Llm.ListedModels = [Listed, "claude-opus-4-5-20251101"];
        Llm.ModelsPageSize = 1;
        _xvfb = await BareXvfb.StartAsync(1280, 960, TestContext.Current.CancellationToken);
        var settings = TasksHost.Settings("provider-models", Path.Combine(Path.GetTempPath(), $"bytebot-models-{Guid.NewGuid():N}.log"));
        settings["DISPLAY"] = _xvfb.Display;
        settings["ANTHROPIC_API_KEY"] = "sk-ant-models";
        settings["ANTHROPIC_BASE_URL"] = Llm.BaseUrl.ToString().TrimEnd('/');
        Factory = TasksHost.Create(await postgres.CreateDatabaseAsync(), settings);
        Client = Factory.CreateAuthenticatedClient();
        (await HostFixture.WaitUntilReadyAsync(Client, TimeSpan.FromSeconds(90))).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        try
        {
            if (Factory is not null)
                await Factory.DisposeAsync();
        }
        finally
        {
            if (_xvfb is not null)
                await _xvfb.DisposeAsync();
            if (Llm is not null)
                await Llm.DisposeAsync();
        }
    }
}
