using System.Text.Json;
using Bytebot.Agent.Conversation;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Agent.Loop;

/// <summary>The conversation sent to the model, and the stored messages it was made from.</summary>
internal sealed record ModelContext(IReadOnlyList<ConversationMessage> Messages, IReadOnlyList<Guid> MessageIds);

/// <summary>
/// Turns the task's stored messages into a valid model conversation: the latest summary replaces what it covers; every
/// tool_use is directly followed by its tool_result (a user message that arrived in between moves after it); only the last
/// few screenshots stay as images; takeover recordings become text the model can read.
/// </summary>
internal static class ContextBuilder
{
    public const string OmittedImage = "[an earlier screenshot was removed to save context]";

    public static async Task<ModelContext> BuildAsync(
        IReadOnlyList<TaskMessage> messages, IReadOnlyList<TaskSummary> summaries, int keepImages,
        Func<BlobReference, Task<ReadOnlyMemory<byte>>> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        var summarized = summaries.SelectMany(s => s.MessageIds).ToHashSet();
        var live = messages.Where(m => !summarized.Contains(m.Id)).ToList();
        var ordered = PairToolResults(live);

        var conversation = new List<(MessageRole Role, List<MessageContent> Content)>();
        if (summaries.Count > 0)
            conversation.Add((MessageRole.User, [new TextContent($"Summary of the task so far:\n{summaries[^1].Content}")]));
        foreach (var message in ordered)
        {
            var role = message.Role == TaskRole.Assistant ? MessageRole.Assistant : MessageRole.User;
            var content = message.Content.SelectMany(Readable).ToList();
            if (content.Count == 0)
                continue;
            if (conversation.Count > 0 && conversation[^1].Role == role)
                conversation[^1].Content.AddRange(content);
            else
                conversation.Add((role, content));
        }

        var images = conversation.SelectMany(m => m.Content).Sum(CountImages);
        var skip = Math.Max(0, images - keepImages);
        var result = new List<ConversationMessage>(conversation.Count);
        foreach (var (role, content) in conversation)
        {
            var blocks = new List<ContentBlock>(content.Count);
            // Anthropic wants the tool results first in the user message that answers a tool call.
            foreach (var block in role == MessageRole.User ? content.OrderBy(b => b is ToolResultContent ? 0 : 1) : content.AsEnumerable())
            {
                var (converted, skipped) = await ConvertAsync(block, skip, load);
                skip = skipped;
                if (converted is not null)
                    blocks.Add(converted);
            }
            if (blocks.Count > 0)
                result.Add(new ConversationMessage(role, blocks));
        }
        return new ModelContext(result, [.. live.Select(m => m.Id)]);
    }

    /// <summary>
    /// Moves the message holding a tool call's results right after the call, and answers calls that never got a result
    /// (an interrupted run) so the provider accepts the history.
    /// </summary>
    private static List<TaskMessage> PairToolResults(List<TaskMessage> messages)
    {
        var remaining = new List<TaskMessage>(messages);
        var ordered = new List<TaskMessage>(messages.Count);
        while (remaining.Count > 0)
        {
            var message = remaining[0];
            remaining.RemoveAt(0);
            var uses = message.Role == TaskRole.Assistant ? message.Content.OfType<ToolUseContent>().Select(u => u.Id).ToHashSet(StringComparer.Ordinal) : [];
            // A result with no call before it (its call was summarised away) would be rejected: keep only its text.
            ordered.Add(message.Role == TaskRole.User ? WithoutOrphanResults(message, ordered) : message);
            if (uses.Count == 0)
                continue;
            var index = remaining.FindIndex(m => m.Role == TaskRole.User && m.Content.OfType<ToolResultContent>().Any(r => uses.Contains(r.ToolUseId)));
            var answer = index >= 0 ? remaining[index] : null;
            if (answer is not null)
                remaining.RemoveAt(index);
            var answered = answer?.Content.OfType<ToolResultContent>().Select(r => r.ToolUseId).ToHashSet(StringComparer.Ordinal) ?? [];
            var missing = uses.Where(id => !answered.Contains(id))
                .Select(id => (MessageContent)new ToolResultContent(id, [new TextContent("This action was not run (the run was interrupted).")], true))
                .ToList();
            // The newest call without an answer is being answered by this step: leave it open.
            if (answer is null && remaining.Count == 0)
                continue;
            ordered.Add(answer is null
                ? new TaskMessage(Guid.Empty, TaskRole.User, missing, message.CreatedAt)
                : answer with { Content = [.. answer.Content, .. missing] });
        }
        return ordered;
    }

    private static TaskMessage WithoutOrphanResults(TaskMessage message, List<TaskMessage> before)
    {
        var results = message.Content.OfType<ToolResultContent>().ToList();
        if (results.Count == 0)
            return message;
        var previous = before.LastOrDefault();
        var calls = previous?.Role == TaskRole.Assistant ? previous.Content.OfType<ToolUseContent>().Select(u => u.Id).ToHashSet(StringComparer.Ordinal) : [];
        return message with
        {
            Content = [.. message.Content.Select(b => b is ToolResultContent r && !calls.Contains(r.ToolUseId)
                ? new TextContent(string.Join("\n", r.Content.OfType<TextContent>().Select(t => t.Text)))
                : b)],
        };
    }

    // What the user did during a takeover reaches the model as text plus the screenshot (as Bytebot does).
    private static IEnumerable<MessageContent> Readable(MessageContent block) => block switch
    {
        UserActionContent action => action.Content.Select(inner => inner is ToolUseContent use
            ? new TextContent($"User performed action: {use.Name}\n{JsonSerializer.Serialize(use.Input, Indented)}")
            : inner),
        RedactedThinkingContent => [],
        _ => [block],
    };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static int CountImages(MessageContent block) => block switch
    {
        ImageContent => 1,
        ToolResultContent result => result.Content.Sum(CountImages),
        _ => 0,
    };

    private static async Task<(ContentBlock? Block, int Skip)> ConvertAsync(MessageContent block, int skip, Func<BlobReference, Task<ReadOnlyMemory<byte>>> load)
    {
        switch (block)
        {
            case TextContent text:
                return (new TextBlock(text.Text), skip);
            case ImageContent image when skip > 0:
                return (new TextBlock(OmittedImage), skip - 1);
            case ImageContent image:
                return (new ImageBlock(await LoadAsync(image.Source, load), image.Source.MediaType), skip);
            case DocumentContent document:
                return (new DocumentBlock(await LoadAsync(document.Source, load), document.Source.MediaType, document.Name), skip);
            case ToolUseContent use:
                return (new ToolUseBlock(use.Id, use.Name, use.Input), skip);
            case ThinkingContent thinking:
                return (new ThinkingBlock(thinking.Thinking, thinking.Signature.Length > 0 ? thinking.Signature : null), skip);
            case ToolResultContent result:
                var inner = new List<ContentBlock>(result.Content.Count);
                foreach (var part in result.Content)
                {
                    var (converted, next) = await ConvertAsync(part, skip, load);
                    skip = next;
                    if (converted is not null)
                        inner.Add(converted);
                }
                return (new ToolResultBlock(result.ToolUseId, inner, result.IsError ?? false), skip);
            default:
                return (null, skip);
        }
    }

    private static async Task<ReadOnlyMemory<byte>> LoadAsync(MediaSource source, Func<BlobReference, Task<ReadOnlyMemory<byte>>> load) =>
        source.Type == "base64" && source.Data is { } data
            ? Convert.FromBase64String(data)
            : await load(new BlobReference(source.Sha256 ?? "", source.Size ?? 0, source.MediaType));
}
