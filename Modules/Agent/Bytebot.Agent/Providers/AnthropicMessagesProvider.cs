using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Anthropic;
using Anthropic.Core;
using Anthropic.Exceptions;
using Bytebot.Agent.Conversation;
using Sdk = Anthropic.Models.Messages;

namespace Bytebot.Agent.Providers;

// Anthropic Messages API. Streamed turns are aggregated: the loop acts only on a complete turn.
internal sealed partial class AnthropicMessagesProvider : IModelProvider, IDisposable
{
    private const string ProviderName = "anthropic";
    private static readonly JsonObject Ephemeral = new() { ["type"] = "ephemeral" };

    private readonly string _model;
    private readonly bool _stream;
    private readonly TimeProvider _time;
    private readonly AnthropicClient _client;

    public AnthropicMessagesProvider(ConfiguredModel model, TimeProvider time)
    {
        _model = model.Model;
        _stream = model.Stream;
        _time = time;
#pragma warning disable CA2000 // the HttpClient owns the handler and the client owns the HttpClient; both die in Dispose
        var http = new HttpClient(new RetryAfterCapture(time)) { Timeout = Timeout.InfiniteTimeSpan };
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
        var parameters = new Sdk.MessageCreateParams
        {
            Model = _model,
            MaxTokens = request.MaxTokens,
            System = new Sdk.MessageCreateParamsSystem(JsonSerializer.SerializeToElement(new JsonArray(
                new JsonObject { ["type"] = "text", ["text"] = request.SystemPrompt, ["cache_control"] = Ephemeral.DeepClone() }))),
            Tools = [.. request.Tools.Select((tool, i) => new Sdk.ToolUnion(ToolJson(tool, cache: i == request.Tools.Count - 1)))],
            Messages = [.. MessagesJson(request.Messages).Select(message => new Sdk.MessageParam(message))],
        };

        var started = _time.GetTimestamp();
        Sdk.Message message;
        using (var capture = RetryAfterCapture.Begin())
        {
            try
            {
                message = _stream
                    ? await _client.Messages.CreateStreaming(parameters, cancellationToken).Aggregate().ConfigureAwait(false)
                    : await _client.Messages.Create(parameters, cancellationToken).ConfigureAwait(false);
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
            [.. message.Content.Select(FromAnthropic).OfType<ContentBlock>()],
            message.StopReason?.Raw() switch
            {
                "tool_use" => StopReason.ToolUse,
                "end_turn" or "stop_sequence" => StopReason.EndTurn,
                "max_tokens" => StopReason.MaxTokens,
                _ => StopReason.Other,
            },
            new TokenUsage(message.Usage.InputTokens, message.Usage.OutputTokens,
                message.Usage.CacheReadInputTokens ?? 0, message.Usage.CacheCreationInputTokens ?? 0),
            _time.GetElapsedTime(started));
    }

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

    private static JsonElement ToolJson(ToolDefinition tool, bool cache)
    {
        var json = new JsonObject
        {
            ["name"] = tool.Name,
            ["description"] = tool.Description,
            ["input_schema"] = JsonNode.Parse(tool.InputSchema.GetRawText()),
        };
        if (cache) json["cache_control"] = Ephemeral.DeepClone();
        return JsonSerializer.SerializeToElement(json);
    }

    private static IEnumerable<JsonElement> MessagesJson(IReadOnlyList<ConversationMessage> messages)
    {
        // The cache breakpoint on the newest user block makes the whole history before it a cache read next step.
        var lastUser = messages.Select((m, i) => (m, i)).LastOrDefault(x => x.m.Role == MessageRole.User).i;
        for (var i = 0; i < messages.Count; i++)
        {
            var blocks = new JsonArray([.. messages[i].Content.Select(BlockJson).OfType<JsonObject>()]);
            if (i == lastUser && blocks.Count > 0) blocks[^1]!["cache_control"] = Ephemeral.DeepClone();
            yield return JsonSerializer.SerializeToElement(new JsonObject
            {
                ["role"] = messages[i].Role == MessageRole.User ? "user" : "assistant",
                ["content"] = blocks,
            });
        }
    }

    private static JsonObject? BlockJson(ContentBlock block) => block switch
    {
        TextBlock text => new JsonObject { ["type"] = "text", ["text"] = text.Text },
        ImageBlock image => new JsonObject
        {
            ["type"] = "image",
            ["source"] = Base64Source(image.MediaType, image.Data),
        },
        DocumentBlock { MediaType: var type } document when type.StartsWith("text/", StringComparison.Ordinal) => new JsonObject
        {
            ["type"] = "document",
            ["source"] = new JsonObject { ["type"] = "text", ["media_type"] = "text/plain", ["data"] = System.Text.Encoding.UTF8.GetString(document.Data.Span) },
            ["title"] = document.Name,
        },
        DocumentBlock document => new JsonObject
        {
            ["type"] = "document",
            ["source"] = Base64Source(document.MediaType, document.Data),
            ["title"] = document.Name,
        },
        ToolUseBlock use => new JsonObject
        {
            ["type"] = "tool_use",
            ["id"] = use.Id,
            ["name"] = use.Name,
            ["input"] = JsonNode.Parse(use.Input.GetRawText()),
        },
        ToolResultBlock result => new JsonObject
        {
            ["type"] = "tool_result",
            ["tool_use_id"] = result.ToolUseId,
            ["content"] = new JsonArray([.. result.Content.Select(BlockJson).OfType<JsonObject>()]),
            ["is_error"] = result.IsError,
        },
        // Unsigned thinking (from another provider) is rejected by the API, so it stays out of the request.
        ThinkingBlock { Signature: { } signature } thinking => new JsonObject
        {
            ["type"] = "thinking",
            ["thinking"] = thinking.Thinking,
            ["signature"] = signature,
        },
        _ => null,
    };

    private static JsonObject Base64Source(string mediaType, ReadOnlyMemory<byte> data) => new()
    {
        ["type"] = "base64",
        ["media_type"] = mediaType,
        ["data"] = Convert.ToBase64String(data.Span),
    };

    private static ContentBlock? FromAnthropic(Sdk.ContentBlock block)
    {
        if (block.TryPickText(out var text)) return new TextBlock(text.Text);
        if (block.TryPickToolUse(out var use)) return new ToolUseBlock(use.ID, use.Name, JsonSerializer.SerializeToElement(use.Input));
        if (block.TryPickThinking(out var thinking)) return new ThinkingBlock(thinking.Thinking, thinking.Signature);
        return null;
    }
}
