using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Fakes.Llm;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;

namespace Bytebot.Tests.Integration.Agent;

/// <summary>
/// Issue 20: provider keys can live in the vault. A key configured as <c>{{secret:name}}</c> reaches the provider as
/// the stored value (the model list and the task's own calls, on the official SDKs), and nowhere else.
/// </summary>
public sealed class VaultProviderKeyTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly string _actionLog = Path.Combine(Path.GetTempPath(), $"bytebot-vault-keys-{Guid.NewGuid():N}.log");
    private BareXvfb? _xvfb;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _xvfb = await BareXvfb.StartAsync(1280, 960, Ct);

    public async ValueTask DisposeAsync()
    {
        if (_xvfb is not null)
            await _xvfb.DisposeAsync();
        File.Delete(_actionLog);
    }

    private async Task<BytebotHostFactory> StartAsync(FakeLlmServer llm)
    {
        var settings = TasksHost.Settings("vault-keys", _actionLog);
        settings["DISPLAY"] = _xvfb!.Display;
        settings["ANTHROPIC_API_KEY"] = "{{secret:anthropic-key}}";
        settings["ANTHROPIC_BASE_URL"] = llm.BaseUrl.ToString().TrimEnd('/');
        settings["OPENAI_API_KEY"] = "{{secret:openai-key}}";
        settings["OPENAI_BASE_URL"] = new Uri(llm.BaseUrl, "v1").ToString();
        settings["Agent:ModelRefresh"] = "00:00:01";
        return TasksHost.Create(await postgres.CreateDatabaseAsync(), settings);
    }

    [Fact]
    public async Task A_key_configured_as_a_secret_reference_reaches_the_provider_as_the_stored_value_and_nowhere_else()
    {
        await using var llm = await FakeLlmServer.StartAsync();
        await using var factory = await StartAsync(llm);
        using var client = factory.CreateAuthenticatedClient();
        var anthropicKey = $"sk-ant-vault-{Guid.NewGuid():N}";
        var openAiKey = $"sk-openai-vault-{Guid.NewGuid():N}";
        (await client.PostAsJsonAsync("/api/secrets", new { name = "anthropic-key", value = anthropicKey }, Ct))
            .EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/api/secrets", new { name = "openai-key", value = openAiKey }, Ct))
            .EnsureSuccessStatusCode();

        // The lists asked for before the secrets existed failed; the next refresh sends the stored values.
        await TasksHost.WaitUntilAsync(() => Task.FromResult(
            llm.ModelListRequests.Any(r => r.Headers.GetValueOrDefault("x-api-key") == anthropicKey)
            && llm.ModelListRequests.Any(r => r.Headers.GetValueOrDefault("authorization") == $"Bearer {openAiKey}")), Limit);

        llm.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUse("toolu_done", "set_task_status", new { status = "completed", description = "ok" }));
        llm.Script(FakeLlmServer.OpenAIResponses, ScriptedReplies.ResponsesFunctionCall("call_done", "set_task_status",
            """{"status":"completed","description":"ok"}"""));
        var onClaude = await RunAsync(client, new { provider = "anthropic", name = "claude-sonnet-4-20250514", title = "Claude" });
        var onGpt = await RunAsync(client, new { provider = "openai", name = "gpt-4.1-2025-04-14", title = "GPT" });

        llm.Requests.Where(r => r.Path == FakeLlmServer.AnthropicMessages).ShouldNotBeEmpty();
        foreach (var request in llm.Requests.Where(r => r.Path == FakeLlmServer.AnthropicMessages))
        {
            // Anthropic's SDK (13.12) sends its key as a bearer token; our own model list sends x-api-key.
            (request.Headers.GetValueOrDefault("x-api-key") ?? request.Headers.GetValueOrDefault("authorization"))
                .ShouldBeOneOf(anthropicKey, $"Bearer {anthropicKey}");
        }
        llm.Requests.Where(r => r.Path == FakeLlmServer.OpenAIResponses).ShouldNotBeEmpty();
        foreach (var request in llm.Requests.Where(r => r.Path == FakeLlmServer.OpenAIResponses))
            request.Headers.GetValueOrDefault("authorization").ShouldBe($"Bearer {openAiKey}");
        foreach (var id in new[] { onClaude, onGpt })
        {
            var task = await client.GetStringAsync(new Uri($"/api/tasks/{id}", UriKind.Relative), Ct);
            var messages = await client.GetStringAsync(new Uri($"/api/tasks/{id}/messages", UriKind.Relative), Ct);
            foreach (var text in new[] { task, messages })
            {
                text.ShouldNotContain(anthropicKey);
                text.ShouldNotContain(openAiKey);
            }
        }
        var models = await client.GetStringAsync(new Uri("/api/tasks/models", UriKind.Relative), Ct);
        models.ShouldNotContain("vault-");
    }

    [Fact]
    public async Task A_reference_to_a_secret_nobody_stored_fails_the_task_with_its_name_and_sends_nothing()
    {
        await using var llm = await FakeLlmServer.StartAsync();
        await using var factory = await StartAsync(llm);
        using var client = factory.CreateAuthenticatedClient();

        var id = await TasksHost.CreateTaskAsync(client, new
        {
            description = "never reaches the model",
            model = new { provider = "anthropic", name = "claude-sonnet-4-20250514", title = "Claude" },
        });
        JsonElement task = default;
        await TasksHost.WaitUntilAsync(async () =>
        {
            task = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct);
            return task.GetProperty("status").GetString() is "FAILED" or "COMPLETED" or "NEEDS_HELP";
        }, TimeSpan.FromSeconds(120));

        task.GetProperty("status").GetString().ShouldBe("FAILED", task.ToString());
        (task.GetProperty("error").GetString() ?? "").ShouldContain("{{secret:anthropic-key}}, which names no stored secret");
        llm.Requests.Where(r => r.Path == FakeLlmServer.AnthropicMessages).ShouldBeEmpty();
        llm.ModelListRequests.ShouldAllBe(r => !r.Headers.ContainsKey("x-api-key"));
    }

    private static async Task<Guid> RunAsync(HttpClient client, object model)
    {
        var id = await TasksHost.CreateTaskAsync(client, new { description = "finish at once", model });
        string? status = null;
        await TasksHost.WaitUntilAsync(async () =>
        {
            status = (await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct)).GetProperty("status").GetString();
            return status is "COMPLETED" or "FAILED" or "NEEDS_HELP";
        }, Limit);
        status.ShouldBe("COMPLETED");
        return id;
    }
}
