using System.Text.Json;
using Bytebot.Tests.Fakes.Llm;

namespace Bytebot.Tests.E2E.Agent;

/// <summary>One scripted tool call, written in whichever provider's wire format a test drives.</summary>
internal sealed record ScriptedCall(string Name, object Input);

internal static class AgentScripts
{
    /// <summary>The provider's endpoint on the fake and the Bytebot provider name a task asks for.</summary>
    public static (string Path, string Provider, string Model) For(string provider) => provider switch
    {
        "anthropic" => (FakeLlmServer.AnthropicMessages, "anthropic", AgentHost.Claude),
        "anthropic" + AgentHost.Unstreamed => (FakeLlmServer.AnthropicMessages, "anthropic", AgentHost.Claude + AgentHost.Unstreamed),
        "openai" => (FakeLlmServer.OpenAIResponses, "openai", AgentHost.Gpt),
        "openai" + AgentHost.Unstreamed => (FakeLlmServer.OpenAIResponses, "openai", AgentHost.Gpt + AgentHost.Unstreamed),
        "openai-compatible" + AgentHost.Unstreamed => (FakeLlmServer.ChatCompletions, "openai-compatible", AgentHost.Qwen + AgentHost.Unstreamed),
        _ => (FakeLlmServer.ChatCompletions, "openai-compatible", AgentHost.Qwen),
    };

    /// <summary>A model served without a tool-call parser writes its calls into the text, Qwen/Hermes style.</summary>
    public const string TextToolCalls = "openai-compatible-text";

    public static ScriptedReply Reply(string provider, ScriptedCall call, int index) => provider.Replace(AgentHost.Unstreamed, "", StringComparison.Ordinal) switch
    {
        "anthropic" => ScriptedReplies.AnthropicToolUse($"toolu_{index:D3}", call.Name, call.Input),
        "openai" => ScriptedReplies.ResponsesFunctionCall($"call_{index:D3}", call.Name, JsonSerializer.Serialize(call.Input)),
        TextToolCalls => ScriptedReplies.ChatText($"I will use a tool.\n<tool_call>{JsonSerializer.Serialize(new { name = call.Name, arguments = call.Input })}</tool_call>"),
        _ => ScriptedReplies.ChatToolCall($"call_{index:D3}", call.Name, JsonSerializer.Serialize(call.Input)),
    };

    public static ScriptedReply[] Replies(string provider, params ScriptedCall[] calls) =>
        [.. calls.Select((call, i) => Reply(provider, call, i))];

    public static ScriptedCall Complete(string description = "Done.") => new("set_task_status", new { status = "completed", description });
}
