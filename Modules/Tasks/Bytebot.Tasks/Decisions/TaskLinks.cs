using System.Globalization;
using System.Text.RegularExpressions;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Tasks.Decisions;

/// <summary>A task's tags, due date and the tasks it waits for, as decided from its draft.</summary>
internal sealed partial record TaskLinks(IReadOnlyList<string>? Tags, DateTimeOffset? DueAt, IReadOnlyList<Guid>? DependsOn)
{
    public const int MaxItems = 32;

    public static readonly TaskLinks None = new(null, null, null);

    /// <summary>
    /// The draft's links, or the refusal naming its first bad field. <paramref name="existing"/> holds the ids among
    /// the draft's dependencies that name a task. Dependencies are set only at creation, on a task nothing refers to
    /// yet, so a dependency cycle cannot form: a self reference is the one to refuse.
    /// </summary>
    public static (TaskLinks Links, TaskRefusal? Refusal) Decide(TaskDraft draft, Guid taskId, IReadOnlySet<Guid> existing)
    {
        var tags = new List<string>();
        foreach (var (raw, i) in (draft.Tags ?? []).Select((t, i) => (t, i)))
        {
            if (NormalTag(raw) is not { } tag)
                return Refuse($"tags[{i}]", TagRule);
            tags.Add(tag);
        }
        if (tags.Count > MaxItems)
            return Refuse("tags", $"At most {MaxItems}.");
        DateTimeOffset? dueAt = null;
        if (draft.DueAt is not null)
        {
            if (!DateTimeOffset.TryParse(draft.DueAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var due))
                return Refuse("dueAt", "Must be an ISO 8601 date and time.");
            dueAt = due.ToUniversalTime();
        }
        var dependsOn = new List<Guid>();
        foreach (var (raw, i) in (draft.DependsOn ?? []).Select((d, i) => (d, i)))
        {
            if (!Guid.TryParse(raw, out var id))
                return Refuse($"dependsOn[{i}]", "Must be a task id (a GUID).");
            if (id == taskId)
                return Refuse($"dependsOn[{i}]", "A task cannot depend on itself.");
            if (!existing.Contains(id))
                return Refuse($"dependsOn[{i}]", $"No task has id {id}.");
            dependsOn.Add(id);
        }
        if (dependsOn.Count > MaxItems)
            return Refuse("dependsOn", $"At most {MaxItems}.");
        return (new TaskLinks(
            tags.Count == 0 ? null : [.. tags.Distinct().Order(StringComparer.Ordinal)], dueAt,
            dependsOn.Count == 0 ? null : [.. dependsOn.Distinct()]), null);
    }

    /// <summary>The ids a draft's dependencies name (the malformed ones left out: they are refused by field).</summary>
    public static IReadOnlyList<Guid> Named(TaskDraft draft) =>
        [.. (draft.DependsOn ?? []).Select(d => Guid.TryParse(d, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty)];

    public const string TagRule = "A tag: 1-64 letters, digits, '.', '_', ':', '/', '+' or '-', starting with a letter or digit.";

    /// <summary>The tag trimmed and lower-cased, or null when it is not one.</summary>
    public static string? NormalTag(string? raw) =>
        raw?.Trim().ToLowerInvariant() is { } tag && Tag().IsMatch(tag) ? tag : null;

    private static (TaskLinks, TaskRefusal) Refuse(string field, string message) => (None, new TaskRefusal(field, message));

    [GeneratedRegex("^[\\p{Ll}\\p{Lo}\\p{Nd}][\\p{Ll}\\p{Lo}\\p{Nd}._:/+-]{0,63}$")]
    private static partial Regex Tag();
}
