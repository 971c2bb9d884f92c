using System.Text.Json;

namespace Bytebot.Agent.Conversation;

// Provider-neutral blocks, shaped after Bytebot's Anthropic-style message content so stored tasks map 1:1.
internal abstract record ContentBlock;

internal sealed record TextBlock(string Text) : ContentBlock;

internal sealed record ImageBlock(ReadOnlyMemory<byte> Data, string MediaType) : ContentBlock;

internal sealed record DocumentBlock(ReadOnlyMemory<byte> Data, string MediaType, string? Name = null) : ContentBlock;

internal sealed record ToolUseBlock(string Id, string Name, JsonElement Input) : ContentBlock;

internal sealed record ToolResultBlock(string ToolUseId, IReadOnlyList<ContentBlock> Content, bool IsError = false) : ContentBlock;

// Anthropic rejects replayed thinking without its signature, so the signature travels with the text.
internal sealed record ThinkingBlock(string Thinking, string? Signature) : ContentBlock;

internal enum MessageRole
{
    User,
    Assistant,
}

internal sealed record ConversationMessage(MessageRole Role, IReadOnlyList<ContentBlock> Content)
{
    public static ConversationMessage User(params ContentBlock[] content) => new(MessageRole.User, content);

    public static ConversationMessage Assistant(params ContentBlock[] content) => new(MessageRole.Assistant, content);
}
