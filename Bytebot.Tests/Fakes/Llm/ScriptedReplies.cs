namespace Bytebot.Tests.Fakes.Llm;

/// <summary>Minimal but complete response bodies in each provider's real wire format.</summary>
internal static class ScriptedReplies
{
    public static ScriptedReply AnthropicToolUse(string id, string name, object input, int inputTokens = 10, int cacheRead = 0, int cacheWrite = 0) =>
        Anthropic([new { type = "tool_use", id, name, input }], "tool_use", inputTokens, cacheRead, cacheWrite);

    /// <summary>One answer with several tool calls, run in order by the loop.</summary>
    public static ScriptedReply AnthropicToolUses(params (string Id, string Name, object Input)[] calls) =>
        Anthropic([.. calls.Select(c => (object)new { type = "tool_use", id = c.Id, name = c.Name, input = c.Input })], "tool_use", 10, 0, 0);

    public static ScriptedReply AnthropicText(string text, int inputTokens = 10, int cacheRead = 0, int cacheWrite = 0) =>
        Anthropic([new { type = "text", text }], "end_turn", inputTokens, cacheRead, cacheWrite);

    private static ScriptedReply Anthropic(object[] content, string stopReason, int inputTokens, int cacheRead, int cacheWrite) => ScriptedReply.Json(new
    {
        id = $"msg_{Guid.NewGuid():N}",
        type = "message",
        role = "assistant",
        model = "claude-test",
        content,
        stop_reason = stopReason,
        stop_sequence = (string?)null,
        usage = new { input_tokens = inputTokens, output_tokens = 5, cache_read_input_tokens = cacheRead, cache_creation_input_tokens = cacheWrite },
    });

    public static ScriptedReply ResponsesFunctionCall(string callId, string name, string arguments, int inputTokens = 10, int cached = 0) =>
        Responses([new { type = "function_call", id = $"fc_{callId}", call_id = callId, name, arguments, status = "completed" }], inputTokens, cached);

    /// <summary>
    /// A call of OpenAI's GA computer tool: a batch of actions, with the safety checks the model wants acknowledged.
    /// </summary>
    public static ScriptedReply ResponsesComputerCall(
        string callId, object[] actions, object[]? pendingSafetyChecks = null) =>
        Responses([new
        {
            type = "computer_call",
            id = $"cu_{callId}",
            call_id = callId,
            actions,
            pending_safety_checks = pendingSafetyChecks ?? [],
            status = "completed",
        }], 10, 0);

    public static ScriptedReply ResponsesText(string text, int inputTokens = 10, int cached = 0) =>
        Responses([new
        {
            type = "message",
            id = $"msg_{Guid.NewGuid():N}",
            role = "assistant",
            status = "completed",
            content = new[] { new { type = "output_text", text, annotations = Array.Empty<object>() } },
        }], inputTokens, cached);

    private static ScriptedReply Responses(object[] output, int inputTokens, int cached) => ScriptedReply.Json(new
    {
        id = $"resp_{Guid.NewGuid():N}",
        @object = "response",
        created_at = 1_760_000_000,
        status = "completed",
        model = "gpt-test",
        output,
        parallel_tool_calls = true,
        tool_choice = "auto",
        tools = Array.Empty<object>(),
        usage = new
        {
            input_tokens = inputTokens,
            input_tokens_details = new { cached_tokens = cached },
            output_tokens = 5,
            output_tokens_details = new { reasoning_tokens = 0 },
            total_tokens = inputTokens + 5,
        },
    });

    public static ScriptedReply ChatToolCall(string callId, string name, string arguments, int inputTokens = 10, int cached = 0) =>
        Chat(new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id = callId, type = "function", function = new { name, arguments } } } }, "tool_calls", inputTokens, cached);

    public static ScriptedReply ChatText(string text, int inputTokens = 10, int cached = 0) =>
        Chat(new { role = "assistant", content = text }, "stop", inputTokens, cached);

    private static ScriptedReply Chat(object message, string finishReason, int inputTokens, int cached) => ScriptedReply.Json(new
    {
        id = $"chatcmpl-{Guid.NewGuid():N}",
        @object = "chat.completion",
        created = 1_760_000_000,
        model = "qwen-test",
        choices = new[] { new { index = 0, message, finish_reason = finishReason } },
        usage = new
        {
            prompt_tokens = inputTokens,
            completion_tokens = 5,
            total_tokens = inputTokens + 5,
            prompt_tokens_details = new { cached_tokens = cached },
        },
    });
}
