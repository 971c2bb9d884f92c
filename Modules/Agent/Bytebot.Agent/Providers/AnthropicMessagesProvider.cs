using Bytebot.Secrets.Contracts;
using System.Text.Json;
using System.Text.RegularExpressions;
using Anthropic;
using Anthropic.Core;
using Anthropic.Exceptions;
using Bytebot.Agent.Conversation;
using Bytebot.Agent.Plugins;
using Beta = Anthropic.Models.Beta.Messages;
using Sdk = Anthropic.Models.Messages;

namespace Bytebot.Agent.Providers;

// Anthropic Messages API. Streamed turns are aggregated: the loop acts only on a complete turn.
internal sealed partial class AnthropicMessagesProvider : IModelProvider, IDisposable
{
    private const string ProviderName = "anthropic";

    private readonly string _model;
    private readonly bool _stream;
    private readonly TimeProvider _time;
    private readonly AnthropicClient _client;

    public AnthropicMessagesProvider(ConfiguredModel model, TimeProvider time, Func<ISecretValues?>? secrets)
    {
        _model = model.Model;
        _stream = model.Stream;
        _time = time;
#pragma warning disable CA2000 // the HttpClient owns the handler and the client owns the HttpClient; both die in Dispose
        var http = new HttpClient(new RetryAfterCapture(time, new VaultKeys(secrets, new SocketsHttpHandler()))) { Timeout = Timeout.InfiniteTimeSpan };
#pragma warning restore CA2000
        _client = new AnthropicClient(new ClientOptions
        {
            ApiKey = model.ApiKey ?? "",
            BaseUrl = model.BaseUrl ?? "https://api.anthropic.com",
            // Retries belong to RetryingModelProvider, which honours Retry-After on the injected TimeProvider.
            MaxRetries = 0,
            // Left alone, the SDK announced a 30 s deadline (x-stainless-timeout); a 16k-token turn can take minutes.
            Timeout = TimeSpan.FromMinutes(10),
            HttpClient = http,
        });
    }

    public async Task<ModelTurn> CompleteAsync(ModelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _time.GetTimestamp();
        Reply reply;
        using (var capture = RetryAfterCapture.Begin())
        {
            try
            {
                reply = request.Computer is { } display
                    ? await NativeAsync(request, display, cancellationToken).ConfigureAwait(false)
                    : await FunctionsAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (AnthropicApiException ex)
            {
                throw new ModelProviderException(ProviderName, (int)ex.StatusCode, capture.RetryAfter, $"Anthropic returned {(int)ex.StatusCode}: {ex.ResponseBody}", ex);
            }
            catch (AnthropicSseException ex)
            {
                throw new ModelProviderException(ProviderName, StreamErrorStatus(ex.Message), null, $"Anthropic stream failed: {ex.Message}", ex);
            }
            catch (Exception ex) when (ex is AnthropicException or HttpRequestException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw new ModelProviderException(ProviderName, null, null, $"Anthropic call failed: {ex.Message}", ex);
            }
        }

        return new ModelTurn(
            reply.Content,
            reply.StopReason switch
            {
                "tool_use" => StopReason.ToolUse,
                "end_turn" or "stop_sequence" => StopReason.EndTurn,
                "max_tokens" => StopReason.MaxTokens,
                _ => StopReason.Other,
            },
            reply.Usage,
            _time.GetElapsedTime(started));
    }

    private async Task<Reply> FunctionsAsync(ModelRequest request, CancellationToken cancellationToken)
    {
        var parameters = new Sdk.MessageCreateParams
        {
            Model = _model,
            MaxTokens = request.MaxTokens,
            System = new Sdk.MessageCreateParamsSystem(AnthropicRequestJson.SystemPrompt(request.SystemPrompt)),
            Tools = [.. Tools(request).Select(tool => new Sdk.ToolUnion(tool))],
            Messages = [.. AnthropicRequestJson.Messages(request.Messages).Select(message => new Sdk.MessageParam(message))],
        };
        var message = _stream
            ? await _client.Messages.CreateStreaming(parameters, cancellationToken).Aggregate().ConfigureAwait(false)
            : await _client.Messages.Create(parameters, cancellationToken).ConfigureAwait(false);
        return new Reply(
            [.. message.Content.Select(FromAnthropic).OfType<ContentBlock>()],
            message.StopReason?.Raw(),
            new TokenUsage(message.Usage.InputTokens, message.Usage.OutputTokens,
                message.Usage.CacheReadInputTokens ?? 0, message.Usage.CacheCreationInputTokens ?? 0));
    }

    // The computer tool is a beta of the Messages API (ADR 0053): the same request through the SDK's Beta service,
    // which sends the anthropic-beta header; functions-only models stay on the GA surface.
    private async Task<Reply> NativeAsync(ModelRequest request, ComputerDisplay display, CancellationToken cancellationToken)
    {
        var computer = new Beta.BetaToolComputerUse20251124
        {
            DisplayWidthPx = display.Width,
            DisplayHeightPx = display.Height,
            EnableZoom = true,
        };
        var parameters = new Beta.MessageCreateParams
        {
            Model = _model,
            MaxTokens = request.MaxTokens,
            System = new Beta.MessageCreateParamsSystem(AnthropicRequestJson.SystemPrompt(request.SystemPrompt)),
            Tools = [new Beta.BetaToolUnion(computer), .. Tools(request).Select(tool => new Beta.BetaToolUnion(tool))],
            Messages = [.. AnthropicRequestJson.Messages(request.Messages).Select(message => new Beta.BetaMessageParam(message))],
            Betas = [NativeComputer.AnthropicBeta],
        };
        var message = _stream
            ? await _client.Beta.Messages.CreateStreaming(parameters, cancellationToken).Aggregate().ConfigureAwait(false)
            : await _client.Beta.Messages.Create(parameters, cancellationToken).ConfigureAwait(false);
        return new Reply(
            [.. message.Content.Select(FromAnthropic).OfType<ContentBlock>()],
            message.StopReason?.Raw(),
            new TokenUsage(message.Usage.InputTokens, message.Usage.OutputTokens,
                message.Usage.CacheReadInputTokens ?? 0, message.Usage.CacheCreationInputTokens ?? 0));
    }

    private static IEnumerable<JsonElement> Tools(ModelRequest request) =>
        request.Tools.Select((tool, i) => AnthropicRequestJson.Tool(tool, cache: i == request.Tools.Count - 1));

    public void Dispose() => _client.Dispose();

    // An error inside a 200 stream has no HTTP status; its documented error type maps to the one it would have had.
    private static int? StreamErrorStatus(string message) => StreamErrorType().Match(message).Groups["type"].Value switch
    {
        "invalid_request_error" => 400,
        "authentication_error" => 401,
        "permission_error" => 403,
        "not_found_error" => 404,
        "request_too_large" => 413,
        "rate_limit_error" => 429,
        "api_error" => 500,
        "overloaded_error" => 529,
        _ => null,
    };

    [GeneratedRegex(""""error"\s*:\s*\{\s*"type"\s*:\s*"(?<type>\w+)"""")]
    private static partial Regex StreamErrorType();

    private static ContentBlock? FromAnthropic(Sdk.ContentBlock block)
    {
        if (block.TryPickText(out var text)) return new TextBlock(text.Text);
        if (block.TryPickToolUse(out var use)) return new ToolUseBlock(use.ID, use.Name, JsonSerializer.SerializeToElement(use.Input));
        if (block.TryPickThinking(out var thinking)) return new ThinkingBlock(thinking.Thinking, thinking.Signature);
        return null;
    }

    private static ContentBlock? FromAnthropic(Beta.BetaContentBlock block)
    {
        if (block.TryPickText(out var text)) return new TextBlock(text.Text);
        if (block.TryPickToolUse(out var use)) return new ToolUseBlock(use.ID, use.Name, JsonSerializer.SerializeToElement(use.Input));
        if (block.TryPickThinking(out var thinking)) return new ThinkingBlock(thinking.Thinking, thinking.Signature);
        return null;
    }

    private sealed record Reply(IReadOnlyList<ContentBlock> Content, string? StopReason, TokenUsage Usage);
}
