using Bytebot.Agent.Conversation;
using Bytebot.Agent.Providers;
using Bytebot.Tests.Fakes.Llm;

namespace Bytebot.Tests.Integration.Agent;

public sealed class RetryingModelProviderTests : ProviderTest
{
    private readonly RecordingTimeProvider _time;

    public RetryingModelProviderTests()
        : this(new RecordingTimeProvider())
    {
    }

    private RetryingModelProviderTests(RecordingTimeProvider time)
        : base(time) => _time = time;

    private RetryingModelProvider Retrying(string model) => new(Catalog.Provider(model), _time, RetrySettings.Default);

    [Fact]
    public async Task A_429_is_retried_after_exactly_the_wait_the_server_asked_for()
    {
        Server.Script(FakeLlmServer.AnthropicMessages, ScriptedReply.Error(429, retryAfter: "7"), ScriptedReplies.AnthropicText("done"));

        var turn = await Retrying(ProviderScenario.Claude).CompleteAsync(ProviderScenario.FirstStep(), TestContext.Current.CancellationToken);

        turn.Content.ShouldHaveSingleItem().ShouldBeOfType<TextBlock>().Text.ShouldBe("done");
        _time.Waits.ShouldBe([TimeSpan.FromSeconds(7)]);
    }

    [Fact]
    public async Task Server_errors_and_overload_are_retried_with_backoff_until_the_model_answers()
    {
        Server.Script(FakeLlmServer.ChatCompletions, ScriptedReply.Error(500), ScriptedReply.Error(529), ScriptedReplies.ChatText("done"));

        var turn = await Retrying(ProviderScenario.Qwen).CompleteAsync(ProviderScenario.FirstStep(), TestContext.Current.CancellationToken);

        turn.Content.ShouldHaveSingleItem().ShouldBeOfType<TextBlock>().Text.ShouldBe("done");
        _time.Waits.Count.ShouldBe(2);
        _time.Waits.ShouldAllBe(wait => wait > TimeSpan.Zero);
    }

    [Fact]
    public async Task An_authentication_failure_fails_at_once_without_waiting()
    {
        Server.Script(FakeLlmServer.OpenAIResponses, ScriptedReply.Error(401));

        var error = await Should.ThrowAsync<ModelProviderException>(
            () => Retrying(ProviderScenario.Gpt).CompleteAsync(ProviderScenario.FirstStep(), TestContext.Current.CancellationToken));

        error.StatusCode.ShouldBe(401);
        Server.Requests.Count.ShouldBe(1);
        _time.Waits.ShouldBeEmpty();
    }

    [Fact]
    public async Task Retries_stop_after_the_budget_and_the_last_error_surfaces()
    {
        Server.Script(FakeLlmServer.ChatCompletions, [.. Enumerable.Repeat(ScriptedReply.Error(503), 5)]);

        var error = await Should.ThrowAsync<ModelProviderException>(
            () => Retrying(ProviderScenario.Qwen).CompleteAsync(ProviderScenario.FirstStep(), TestContext.Current.CancellationToken));

        error.StatusCode.ShouldBe(503);
        Server.Requests.Count.ShouldBe(1 + RetrySettings.Default.MaxAttempts);
    }
}
