using System.Text.Json;
using Bytebot.Tasks.Contracts;
using Microsoft.AspNetCore.Components.Forms;

namespace Bytebot.Dashboard.Host;

// The fields of the host API's JSON the dashboard reads; the API may carry more. Rows a component takes as a
// parameter are public because Razor components are.

internal sealed record TaskItem(
    Guid Id, string Description, string Status, string Priority, string Control, DateTimeOffset CreatedAt,
    DateTimeOffset? ScheduledFor, string? Error, TaskModel? Model, string? WaitingFor = null, LostNode? NodeLost = null,
    IReadOnlyList<string>? Tags = null, DateTimeOffset? DueAt = null, bool Overdue = false);

internal sealed record LostNode(string Node, DateTimeOffset At);

internal sealed record TaskListPage(
    IReadOnlyList<TaskItem> Tasks, long Total, long TotalPages, IReadOnlyDictionary<string, long> StatusCounts);

public sealed record TaskFile(string Name, string Path, long Size, DateTimeOffset Modified, string Kind, string Url);

internal sealed record TaskFileList(Guid TaskId, IReadOnlyList<TaskFile> Files);

public sealed record FolderEntry(string Name, string Path, string Type, long? Size, DateTimeOffset Modified);

internal sealed record FolderListing(string Path, IReadOnlyList<FolderEntry> Entries);

internal sealed record NewTask(
    string Description, string Priority, TaskModel? Model, DateTimeOffset? ScheduledFor,
    IReadOnlyList<IBrowserFile> Files, long MaxBytes);

internal sealed record WebhookItem(
    Guid Id, string Url, IReadOnlyList<string> Events, string Source, bool Enabled, string? DisabledReason);

internal sealed record WebhookAttempt(
    string MessageId, string Event, int Attempt, DateTimeOffset At, int? StatusCode, string? Error, string Outcome);

internal sealed record ScheduleItem(
    Guid Id, string Name, string Description, string Cron, string TimeZone, string Missed, bool Paused,
    DateTimeOffset? NextRunAt, int Runs, int Skipped, DateTimeOffset? LastRunAt, Guid? LastTaskId, string? Priority,
    IReadOnlyList<ScheduleRun>? Recent = null);

internal sealed record ScheduleRun(
    DateTimeOffset Occurrence, DateTimeOffset FiredAt, Guid? TaskId, string Outcome, string? Detail);

internal sealed record NewSchedule(string Description, string Cron, string TimeZone, string Missed, string Priority);

internal sealed record UsageReportItem(
    string From, string To, string By, string TimeZone, IReadOnlyList<UsageRowItem> Rows, UsageRowItem Total);

internal sealed record UsageRowItem(
    string? Period, string? Model, long Steps, long Actions, long InputTokens, long OutputTokens, long CacheReadTokens,
    long CacheWriteTokens, decimal Cost, double ModelMs, double ActionMs, IReadOnlyDictionary<string, long>? Tasks);

internal sealed record NodeItem(
    string Name, IReadOnlyList<string> Capabilities, string Status, DateTimeOffset LastSeenAt, NodeDesktop Desktop,
    int RunningTasks, string Version, Uri? Url);

internal sealed record NodeDesktop(int Width, int Height);

internal static class JsonShapes
{
    public static string? String(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
