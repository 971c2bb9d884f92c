using Bytebot.Agent.Providers;
using Bytebot.Tests.Fakes.Llm;

namespace Bytebot.Tests.Integration.Agent;

public sealed class ProviderErrorTests() : ProviderTest(TimeProvider.System)
{
    public static TheoryData<string, string> Models() => new()
    {
        { ProviderScenario.Claude, FakeLlmServer.AnthropicMessages },
        { ProviderScenario.Gpt, FakeLlmServer.OpenAIResponses },
        { ProviderScenario.Qwen, FakeLlmServer.ChatCompletions },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public async Task A_429_surfaces_as_a_retryable_error_carrying_Retry_After(string model, string path)
    {
        Server.Script(path, ScriptedReply.Error(429, retryAfter: "7"));

        var error = await Should.ThrowAsync<ModelProviderException>(
            () => Catalog.Provider(model).CompleteAsync(ProviderScenario.FirstStep(), TestContext.Current.CancellationToken));

        (error.StatusCode, error.RetryAfter, error.IsRetryable).ShouldBe((429, TimeSpan.FromSeconds(7), true));
        Server.Requests.Count.ShouldBe(1, "the SDK's own retries are off; RetryingModelProvider owns them");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Server_errors_and_overload_are_retryable_and_client_errors_are_not(string model, string path)
    {
        int[] statuses = [500, 529, 400, 401, 403];
        Server.Script(path, [.. statuses.Select(status => ScriptedReply.Error(status))]);
        var provider = Catalog.Provider(model);

        List<(int?, bool)> outcomes = [];
        foreach (var _ in statuses)
        {
            var error = await Should.ThrowAsync<ModelProviderException>(
                () => provider.CompleteAsync(ProviderScenario.FirstStep(), TestContext.Current.CancellationToken));
            outcomes.Add((error.StatusCode, error.IsRetryable));
        }

        outcomes.ShouldBe([(500, true), (529, true), (400, false), (401, false), (403, false)]);
    }

    [Fact]
    public async Task An_overload_in_the_middle_of_a_stream_is_retryable()
    {
        Server.Script(FakeLlmServer.AnthropicMessages, ScriptedReply.AnthropicStreamError("overloaded_error"));

        var error = await Should.ThrowAsync<ModelProviderException>(
            () => Catalog.Provider(ProviderScenario.Claude).CompleteAsync(ProviderScenario.FirstStep(), TestContext.Current.CancellationToken));

        (error.StatusCode, error.IsRetryable).ShouldBe((529, true), error.ToString());
    }
}
