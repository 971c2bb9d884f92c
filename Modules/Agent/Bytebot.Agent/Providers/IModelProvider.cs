using System.Text.Json;
using Bytebot.Agent.Conversation;

namespace Bytebot.Agent.Providers;

internal interface IModelProvider
{
    // Throws ModelProviderException for every failure of the provider or the network.
    Task<ModelTurn> CompleteAsync(ModelRequest request, CancellationToken cancellationToken);
}

internal sealed record ToolDefinition(string Name, string Description, JsonElement InputSchema);

internal enum ComputerToolKind
{
    Functions,
    Native,
}

/// <summary>The size of the screenshots the model receives, for a provider's own computer tool (ADR 0053).</summary>
internal sealed record ComputerDisplay(int Width, int Height);

// Computer set: the provider offers its own computer tool beside Tools, which then leave out what that tool covers.
internal sealed record ModelRequest(
    string SystemPrompt,
    IReadOnlyList<ConversationMessage> Messages,
    IReadOnlyList<ToolDefinition> Tools,
    int MaxTokens,
    ComputerDisplay? Computer = null);

internal enum StopReason
{
    EndTurn,
    ToolUse,
    MaxTokens,
    Other,
}

// Input counts tokens billed at the full rate (OpenAI's figure minus its cached part).
internal sealed record TokenUsage(long Input, long Output, long CacheRead, long CacheWrite)
{
    // Anthropic's input_tokens excludes cached tokens; Bytebot summarised on it and so fired too late.
    public long ContextTokens => Input + CacheRead + CacheWrite;
}

internal sealed record ModelTurn(IReadOnlyList<ContentBlock> Content, StopReason StopReason, TokenUsage Usage, TimeSpan Latency);
