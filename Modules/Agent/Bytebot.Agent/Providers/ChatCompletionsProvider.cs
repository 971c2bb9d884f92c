using System.ClientModel;
using Bytebot.Agent.Conversation;
using OpenAI;
using OpenAI.Chat;

namespace Bytebot.Agent.Providers;

// Chat Completions at any base URL (Ollama, vLLM, LiteLLM, OpenRouter, Gemini's compatible endpoint).
internal sealed class ChatCompletionsProvider(ConfiguredModel model, TimeProvider time) : IModelProvider
{
    private const string ProviderName = "openai-compatible";

    // Local servers ignore the key, but the SDK refuses an empty one.
    private readonly ChatClient _client = new(
        model.Model,
        new ApiKeyCredential(string.IsNullOrEmpty(model.ApiKey) ? "none" : model.ApiKey),
        OpenAICalls.Configure(new OpenAIClientOptions(), model.BaseUrl, static (o, uri) => o.Endpoint = uri));

    public async Task<ModelTurn> CompleteAsync(ModelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<ChatMessage> messages = [new SystemChatMessage(request.SystemPrompt)];
        messages.AddRange(request.Messages.SelectMany(ToMessages));
        var options = new ChatCompletionOptions { MaxOutputTokenCount = request.MaxTokens };
        foreach (var tool in request.Tools)
            options.Tools.Add(ChatTool.CreateFunctionTool(tool.Name, tool.Description, BinaryData.FromString(tool.InputSchema.GetRawText())));

        var started = time.GetTimestamp();
        var completion = await OpenAICalls.Run(ProviderName, time, () => _client.CompleteChatAsync(messages, options, cancellationToken), cancellationToken).ConfigureAwait(false);

        var text = string.Concat(completion.Content.Where(part => part.Kind == ChatMessageContentPartKind.Text).Select(part => part.Text));
        List<ContentBlock> content = completion.ToolCalls.Count > 0
            ? [.. Text(text), .. completion.ToolCalls.Select(call => new ToolUseBlock(call.Id, call.FunctionName, OpenAICalls.ParseArguments(call.FunctionArguments.ToString())))]
            : [.. TextToolCallParser.Parse(text, request.Tools)];

        return OpenAICalls.Turn(
            content,
            completion.FinishReason == ChatFinishReason.Length,
            completion.Usage?.InputTokenCount ?? 0,
            completion.Usage?.OutputTokenCount ?? 0,
            completion.Usage?.InputTokenDetails?.CachedTokenCount ?? 0,
            time.GetElapsedTime(started));
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
