using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Bytebot.Agent.Conversation;
using Bytebot.Secrets.Contracts;

namespace Bytebot.Agent.Providers;

// What the Responses and Chat Completions adapters share: client set-up, error mapping, tool-result text.
internal static class OpenAICalls
{
    public static TOptions Configure<TOptions>(
        TOptions options, string? baseUrl, Func<ISecretValues?>? secrets, Action<TOptions, Uri> setEndpoint)
        where TOptions : ClientPipelineOptions
    {
        if (!string.IsNullOrEmpty(baseUrl)) setEndpoint(options, new Uri(baseUrl));
#pragma warning disable CA2000 // the transport owns the HttpClient, which owns the handlers; they live as the provider does
        options.Transport = new HttpClientPipelineTransport(new HttpClient(new VaultKeys(secrets, new SocketsHttpHandler()))
        {
            // The pipeline times each try itself (NetworkTimeout); a streamed 16k-token turn can take minutes.
            Timeout = Timeout.InfiniteTimeSpan,
        });
#pragma warning restore CA2000
        // Retries belong to RetryingModelProvider, which honours Retry-After on the injected TimeProvider.
        options.RetryPolicy = new ClientRetryPolicy(maxRetries: 0);
        return options;
    }

    public static async Task<T> Run<T>(string provider, TimeProvider time, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ClientResultException ex) when (ex.Status != 0)
        {
            var headers = ex.GetRawResponse()?.Headers;
            string? Header(string name) => headers is not null && headers.TryGetValue(name, out var value) ? value : null;
            throw new ModelProviderException(provider, ex.Status,
                ModelProviderException.ParseRetryAfter(Header("retry-after-ms"), Header("retry-after"), time.GetUtcNow()),
                $"{provider} returned {ex.Status}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is ClientResultException or HttpRequestException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ModelProviderException(provider, null, null, $"{provider} call failed: {ex.Message}", ex);
        }
    }

    // Models sometimes send malformed arguments; the loop answers those with an is_error result instead of crashing.
    public static JsonElement ParseArguments(string arguments)
    {
        try
        {
            return JsonDocument.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments).RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(arguments);
        }
    }

    // The stop reason follows the content because a tool call parsed from text has no finish reason of its own.
    // OpenAI counts cached tokens inside input_tokens; TokenUsage keeps them apart as Anthropic does.
    public static ModelTurn Turn(IReadOnlyList<ContentBlock> content, bool truncated, int input, int output, int cached, TimeSpan latency) => new(
        content,
        content.OfType<ToolUseBlock>().Any() ? StopReason.ToolUse : truncated ? StopReason.MaxTokens : StopReason.EndTurn,
        new TokenUsage(input - cached, output, cached, 0),
        latency);

    public static string ResultText(ToolResultBlock result)
    {
        var text = string.Join("\n", result.Content.OfType<TextBlock>().Select(t => t.Text));
        // Function outputs hold text only; the adapters send images and files in the user message that follows.
        if (text.Length == 0) text = result.Content.Count > 0 ? "(attached in the next message)" : "done";
        return result.IsError ? $"ERROR: {text}" : text;
    }
}
