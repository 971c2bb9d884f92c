using Bytebot.Secrets.Contracts;
using System.ClientModel;
using Bytebot.Agent.Conversation;
using OpenAI;
using OpenAI.Chat;

namespace Bytebot.Agent.Providers;

// Chat Completions at any base URL (Ollama, vLLM, LiteLLM, OpenRouter, Gemini's compatible endpoint).
internal sealed class ChatCompletionsProvider(ConfiguredModel model, TimeProvider time, Func<ISecretValues?>? secrets)
    : IModelProvider
{
    private const string ProviderName = "openai-compatible";

    // Local servers ignore the key, but the SDK refuses an empty one.
    private readonly ChatClient _client = new(
        model.Model,
        new ApiKeyCredential(string.IsNullOrEmpty(model.ApiKey) ? "none" : model.ApiKey),
        OpenAICalls.Configure(new OpenAIClientOptions(), model.BaseUrl, secrets, static (o, uri) => o.Endpoint = uri));

    public async Task<ModelTurn> CompleteAsync(ModelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<ChatMessage> messages = [new SystemChatMessage(request.SystemPrompt)];
        messages.AddRange(request.Messages.SelectMany(ToMessages));
        var options = new ChatCompletionOptions { MaxOutputTokenCount = request.MaxTokens };
        foreach (var tool in request.Tools)
            options.Tools.Add(ChatTool.CreateFunctionTool(tool.Name, tool.Description, BinaryData.FromString(tool.InputSchema.GetRawText())));

        var started = time.GetTimestamp();
        var completion = await OpenAICalls.Run(ProviderName, time, async () => model.Stream
            ? await StreamAsync(messages, options, cancellationToken).ConfigureAwait(false)
            : Completed.From((await _client.CompleteChatAsync(messages, options, cancellationToken).ConfigureAwait(false)).Value), cancellationToken).ConfigureAwait(false);

        List<ContentBlock> content = completion.Calls.Count > 0
            ? [.. Text(completion.Text), .. completion.Calls.Select(call => new ToolUseBlock(call.Id, call.Name, OpenAICalls.ParseArguments(call.Arguments)))]
            : [.. TextToolCallParser.Parse(completion.Text, request.Tools)];

        return OpenAICalls.Turn(
            content,
            completion.FinishReason == ChatFinishReason.Length,
            completion.Usage?.InputTokenCount ?? 0,
            completion.Usage?.OutputTokenCount ?? 0,
            completion.Usage?.InputTokenDetails?.CachedTokenCount ?? 0,
            time.GetElapsedTime(started));
    }

    // Tool calls arrive in pieces keyed by their index: the id and name first, then the arguments in fragments.
    private async Task<Completed> StreamAsync(List<ChatMessage> messages, ChatCompletionOptions options, CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder();
        var calls = new SortedDictionary<int, (string Id, string Name, System.Text.StringBuilder Arguments)>();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in _client.CompleteChatStreamingAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            foreach (var part in update.ContentUpdate)
                text.Append(part.Text);
            foreach (var call in update.ToolCallUpdates)
            {
                var current = calls.TryGetValue(call.Index, out var known) ? known : ("", "", new System.Text.StringBuilder());
                calls[call.Index] = (call.ToolCallId ?? current.Item1, call.FunctionName ?? current.Item2,
                    current.Item3.Append(call.FunctionArgumentsUpdate?.ToString()));
            }
            finish = update.FinishReason ?? finish;
            usage = update.Usage ?? usage;
        }
        return new Completed(text.ToString(), [.. calls.Values.Select(c => new Call(c.Id, c.Name, c.Arguments.ToString()))], finish, usage);
    }

    private sealed record Call(string Id, string Name, string Arguments);

    private sealed record Completed(string Text, IReadOnlyList<Call> Calls, ChatFinishReason? FinishReason, ChatTokenUsage? Usage)
    {
        public static Completed From(ChatCompletion completion) => new(
            string.Concat(completion.Content.Where(part => part.Kind == ChatMessageContentPartKind.Text).Select(part => part.Text)),
            [.. completion.ToolCalls.Select(call => new Call(call.Id, call.FunctionName, call.FunctionArguments.ToString()))],
            completion.FinishReason,
            completion.Usage);
    }

    private static IEnumerable<TextBlock> Text(string text) => string.IsNullOrWhiteSpace(text) ? [] : [new TextBlock(text)];

    private static IEnumerable<ChatMessage> ToMessages(ConversationMessage message)
    {
        if (message.Role == MessageRole.Assistant)
        {
            var calls = message.Content.OfType<ToolUseBlock>()
                .Select(use => ChatToolCall.CreateFunctionToolCall(use.Id, use.Name, BinaryData.FromString(use.Input.GetRawText())))
                .ToList();
            var text = string.Join("\n", message.Content.OfType<TextBlock>().Select(t => t.Text));
            if (calls.Count == 0) yield return new AssistantChatMessage(text);
            else
            {
                var assistant = new AssistantChatMessage(calls);
                if (text.Length > 0) assistant.Content.Add(ChatMessageContentPart.CreateTextPart(text));
                yield return assistant;
            }
            yield break;
        }

        // Tool messages carry text only, so tool images follow in one user message after all tool messages.
        List<ChatMessageContentPart> parts = [];
        foreach (var block in message.Content)
        {
            if (block is ToolResultBlock result)
            {
                yield return new ToolChatMessage(result.ToolUseId, OpenAICalls.ResultText(result));
                parts.AddRange(result.Content.Where(b => b is not TextBlock).Select(ToPart).OfType<ChatMessageContentPart>());
            }
            else if (ToPart(block) is { } part)
            {
                parts.Add(part);
            }
        }
        if (parts.Count > 0) yield return new UserChatMessage(parts);
    }

    private static ChatMessageContentPart? ToPart(ContentBlock block) => block switch
    {
        TextBlock text => ChatMessageContentPart.CreateTextPart(text.Text),
        ImageBlock image => ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(image.Data), image.MediaType, ChatImageDetailLevel.High),
        DocumentBlock document => ChatMessageContentPart.CreateFilePart(BinaryData.FromBytes(document.Data), document.MediaType, document.Name ?? "document"),
        _ => null,
    };
}
