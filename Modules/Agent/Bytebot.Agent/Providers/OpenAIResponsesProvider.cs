using Bytebot.Secrets.Contracts;
using System.ClientModel;
using Bytebot.Agent.Conversation;
using OpenAI.Responses;

namespace Bytebot.Agent.Providers;

// OpenAI's Responses API with function tools (and its computer tool, ADR 0053); stateless (store=false) because the task owns the history.
internal sealed class OpenAIResponsesProvider(ConfiguredModel model, TimeProvider time, Func<ISecretValues?>? secrets)
    : IModelProvider
{
    private const string ProviderName = "openai";

    private readonly ResponsesClient _client = new(
        new ApiKeyCredential(model.ApiKey ?? ""),
        OpenAICalls.Configure(new ResponsesClientOptions(), model.BaseUrl, secrets, static (o, uri) => o.Endpoint = uri));

    public async Task<ModelTurn> CompleteAsync(ModelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var computerCalls = request.Messages.SelectMany(m => m.Content).OfType<ToolUseBlock>()
            .Where(OpenAIComputerItems.IsComputerCall).Select(use => use.Id).ToHashSet(StringComparer.Ordinal);
        var options = new CreateResponseOptions(model.Model, [.. request.Messages.SelectMany(m => ToItems(m, computerCalls))])
        {
            Instructions = request.SystemPrompt,
            MaxOutputTokenCount = request.MaxTokens,
            StoredOutputEnabled = false,
        };
        foreach (var tool in request.Tools)
            options.Tools.Add(ResponseTool.CreateFunctionTool(tool.Name, BinaryData.FromString(tool.InputSchema.GetRawText()), strictModeEnabled: false, tool.Description));
        if (request.Computer is not null)
            options.Tools.Add(OpenAIComputerItems.Tool);

        var started = time.GetTimestamp();
        var response = await OpenAICalls.Run(ProviderName, time, async () => model.Stream
            ? await StreamAsync(options, cancellationToken).ConfigureAwait(false)
            : (await _client.CreateResponseAsync(options, cancellationToken).ConfigureAwait(false)).Value, cancellationToken).ConfigureAwait(false);

        List<ContentBlock> content = [];
        foreach (var item in response.OutputItems)
        {
            switch (item)
            {
                case ComputerCallResponseItem computer:
                    content.Add(OpenAIComputerItems.ToolUse(computer));
                    break;
                case FunctionCallResponseItem call:
                    content.Add(new ToolUseBlock(call.CallId, call.FunctionName, OpenAICalls.ParseArguments(call.FunctionArguments.ToString())));
                    break;
                case MessageResponseItem message:
                    content.AddRange(message.Content.Where(part => !string.IsNullOrEmpty(part.Text)).Select(part => new TextBlock(part.Text)));
                    break;
            }
        }

        return OpenAICalls.Turn(
            content,
            response.Status == ResponseStatus.Incomplete,
            response.Usage?.InputTokenCount ?? 0,
            response.Usage?.OutputTokenCount ?? 0,
            response.Usage?.InputTokenDetails?.CachedTokenCount ?? 0,
            time.GetElapsedTime(started));
    }

    // The final event carries the whole response; the deltas before it matter only to a live display.
    private async Task<ResponseResult> StreamAsync(CreateResponseOptions options, CancellationToken cancellationToken)
    {
        options.StreamingEnabled = true;
        var stream = await _client.CreateResponseStreamingAsync(options, cancellationToken).ConfigureAwait(false);
        await foreach (var update in ((IAsyncEnumerable<StreamingResponseUpdate>)stream).ConfigureAwait(false))
        {
            switch (update)
            {
                case StreamingResponseCompletedUpdate completed:
                    return completed.Response;
                case StreamingResponseIncompleteUpdate incomplete:
                    return incomplete.Response;
                case StreamingResponseFailedUpdate failed:
                    throw new ModelProviderException(ProviderName, 500, null, $"openai stream failed: {failed.Response.Error?.Message}", null);
                case StreamingResponseErrorUpdate error:
                    throw new ModelProviderException(ProviderName, error.Code is "rate_limit_exceeded" ? 429 : 500, null, $"openai stream failed: {error.Message}", null);
            }
        }
        throw new ModelProviderException(ProviderName, null, null, "openai stream ended without a completed response", null);
    }

    private static IEnumerable<ResponseItem> ToItems(ConversationMessage message, HashSet<string> computerCalls)
    {
        if (message.Role == Conversation.MessageRole.Assistant)
        {
            foreach (var block in message.Content)
            {
                if (block is TextBlock text) yield return ResponseItem.CreateAssistantMessageItem(text.Text, []);
                else if (block is ToolUseBlock computer && computerCalls.Contains(computer.Id)) yield return OpenAIComputerItems.Call(computer);
                else if (block is ToolUseBlock use) yield return ResponseItem.CreateFunctionCallItem(use.Id, use.Name, BinaryData.FromString(use.Input.GetRawText()));
            }
            yield break;
        }

        // A function_call_output holds only text, so images returned by tools follow as a user message (as Bytebot does).
        List<ResponseContentPart> parts = [];
        foreach (var block in message.Content)
        {
            if (block is ToolResultBlock computer && computerCalls.Contains(computer.ToolUseId))
            {
                // The output holds only the screenshot; what failed, and why, follows as text.
                yield return OpenAIComputerItems.Output(computer);
                if (computer.IsError)
                    parts.Add(ResponseContentPart.CreateInputTextPart(OpenAICalls.ResultText(computer)));
            }
            else if (block is ToolResultBlock result)
            {
                yield return ResponseItem.CreateFunctionCallOutputItem(result.ToolUseId, OpenAICalls.ResultText(result));
                parts.AddRange(result.Content.Where(b => b is not TextBlock).Select(ToPart).OfType<ResponseContentPart>());
            }
            else if (ToPart(block) is { } part)
            {
                parts.Add(part);
            }
        }
        if (parts.Count > 0) yield return ResponseItem.CreateUserMessageItem(parts);
    }

    private static ResponseContentPart? ToPart(ContentBlock block) => block switch
    {
        TextBlock text => ResponseContentPart.CreateInputTextPart(text.Text),
        ImageBlock image => ResponseContentPart.CreateInputImagePart(BinaryData.FromBytes(image.Data).WithMediaType(image.MediaType), ResponseImageDetailLevel.High),
        DocumentBlock document => ResponseContentPart.CreateInputFilePart(BinaryData.FromBytes(document.Data), document.MediaType, document.Name ?? "document"),
        _ => null,
    };
}
