using System.Text.Json;
using Bytebot.Platform.Events;
using Bytebot.Tasks.Blobs;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Bytebot.Tasks.Queue;
using Bytebot.Tasks.ReadModels;
using Microsoft.AspNetCore.Http;
using Bytebot.Agent.Contracts;

namespace Bytebot.Tasks.Api;

internal sealed record IncomingFile(string? Name, string? Base64, string? Type, long? Size);

internal sealed record CreateTaskRequest(
    string? Description, string? Type, string? ScheduledFor, string? Priority, string? CreatedBy, TaskModel? Model, IReadOnlyList<IncomingFile>? Files);

internal static class CreateTask
{
    // Bytebot's UI allows 5 files of 30 MB each.
    public const int MaxFiles = 5;
    public const long MaxFileBytes = 30L * 1024 * 1024;

    public static async Task<IResult> FromJsonAsync(HttpRequest request, IEventStore store, ITaskBlobStore blobs, TaskViews views,
        IModelCatalog catalog, TimeProvider clock, TaskWakeUp wakeUp, CancellationToken cancellationToken)
    {
        CreateTaskRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<CreateTaskRequest>(JsonSerializerOptions.Web, cancellationToken);
        }
        catch (JsonException e)
        {
            return TaskProblems.Invalid(e.Path is { Length: > 1 } path ? path.TrimStart('$', '.') : "body", "The body is not valid JSON for a task: " + e.Message);
        }
        if (body is null)
            return TaskProblems.Invalid("body", "A JSON body is required.");
        var files = new List<(string Name, string Type, byte[] Bytes)>();
        for (var i = 0; i < (body.Files?.Count ?? 0); i++)
        {
            var file = body.Files![i];
            var data = file.Base64 ?? "";
            var comma = data.StartsWith("data:", StringComparison.Ordinal) ? data.IndexOf(',', StringComparison.Ordinal) : -1;
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(data[(comma + 1)..]);
            }
            catch (FormatException)
            {
                return TaskProblems.Invalid($"files[{i}].base64", "Not valid base64.");
            }
            files.Add((file.Name ?? "", file.Type ?? "application/octet-stream", bytes));
        }
        return await CreateAsync(body with { Files = null }, files, store, blobs, views, catalog, clock, wakeUp, cancellationToken);
    }

    public static async Task<IResult> FromFormAsync(HttpRequest request, IEventStore store, ITaskBlobStore blobs, TaskViews views,
        IModelCatalog catalog, TimeProvider clock, TaskWakeUp wakeUp, CancellationToken cancellationToken)
    {
        var form = await request.ReadFormAsync(cancellationToken);
        TaskModel? model = null;
        if (form["model"].ToString() is { Length: > 0 } modelJson)
        {
            try
            {
                model = JsonSerializer.Deserialize<TaskModel>(modelJson, JsonSerializerOptions.Web);
            }
            catch (JsonException)
            {
                return TaskProblems.Invalid("model", "Must be a JSON object {provider, name, title}.");
            }
        }
        var body = new CreateTaskRequest(form["description"], Empty(form["type"]), Empty(form["scheduledFor"]), Empty(form["priority"]),
            Empty(form["createdBy"]), model, null);
        var files = new List<(string, string, byte[])>();
        foreach (var file in form.Files)
        {
            if (file.Length > MaxFileBytes)
                return TaskProblems.Invalid("files", $"{file.FileName} is larger than {MaxFileBytes} bytes.");
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, cancellationToken);
            files.Add((file.FileName, string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType, buffer.ToArray()));
        }
        return await CreateAsync(body, files, store, blobs, views, catalog, clock, wakeUp, cancellationToken);
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static async Task<IResult> CreateAsync(CreateTaskRequest body, List<(string Name, string Type, byte[] Bytes)> files,
        IEventStore store, ITaskBlobStore blobs, TaskViews views, IModelCatalog catalog, TimeProvider clock, TaskWakeUp wakeUp,
        CancellationToken cancellationToken)
    {
        if (Validate(body, files, out var type, out var priority, out var createdBy, out var scheduledFor) is { } problem)
            return problem;
        var model = body.Model ?? ModelCatalog.Default(catalog);

        // Blobs first: a crash between the two leaves an unreferenced blob, never a task pointing at nothing.
        var stored = new List<StoredFile>();
        foreach (var (name, mediaType, bytes) in files)
        {
            var blob = await blobs.PutAsync(bytes, mediaType, cancellationToken);
            stored.Add(new StoredFile(Guid.CreateVersion7(), name, mediaType, bytes.Length, blob.Sha256));
        }
        var now = clock.GetUtcNow();
        var taskId = Guid.CreateVersion7();
        var text = body.Description!.Trim() + string.Concat(files.Select(f => $"\n\nFile {f.Name} written to desktop."));
        await store.AppendAsync(TaskEventTypes.StreamId(taskId), ExpectedVersion.NoStream,
        [
            new NewEvent(new TaskCreated(taskId, body.Description!.Trim(), type, priority, scheduledFor, createdBy, model, stored, now)),
            new NewEvent(new MessageAdded(Guid.CreateVersion7(), TaskRole.User, [new TextContent(text)], now)),
        ], cancellationToken);
        wakeUp.Signal();
        var view = await views.GetAsync(taskId, withFiles: true, cancellationToken);
        return TypedResults.Created($"/api/tasks/{taskId}", view);
    }

    private static IResult? Validate(CreateTaskRequest body, List<(string Name, string Type, byte[] Bytes)> files,
        out AgentTaskType type, out AgentTaskPriority priority, out TaskRole createdBy, out DateTimeOffset? scheduledFor)
    {
        (type, priority, createdBy, scheduledFor) = (AgentTaskType.Immediate, AgentTaskPriority.Medium, TaskRole.User, null);
        if (string.IsNullOrWhiteSpace(body.Description))
            return TaskProblems.Invalid("description", "A description is required.");
        if (body.Description.Length > 100_000)
            return TaskProblems.Invalid("description", "At most 100000 characters.");
        if (body.Type is not null && !TryParse(body.Type, out type))
            return TaskProblems.Invalid("type", "Must be IMMEDIATE or SCHEDULED.");
        if (body.Priority is not null && !TryParse(body.Priority, out priority))
            return TaskProblems.Invalid("priority", "Must be LOW, MEDIUM, HIGH or URGENT.");
        if (body.CreatedBy is not null && !TryParse(body.CreatedBy, out createdBy))
            return TaskProblems.Invalid("createdBy", "Must be USER or ASSISTANT.");
        if (body.ScheduledFor is not null)
        {
            if (!DateTimeOffset.TryParse(body.ScheduledFor, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
                return TaskProblems.Invalid("scheduledFor", "Must be an ISO 8601 date and time.");
            scheduledFor = at.ToUniversalTime();
            if (body.Type is null)
                type = AgentTaskType.Scheduled;
        }
        if (type == AgentTaskType.Scheduled && scheduledFor is null)
            return TaskProblems.Invalid("scheduledFor", "A SCHEDULED task needs scheduledFor.");
        if (type == AgentTaskType.Immediate && scheduledFor is not null)
            return TaskProblems.Invalid("scheduledFor", "An IMMEDIATE task cannot have scheduledFor; use type SCHEDULED.");
        if (body.Model is { } model && (string.IsNullOrWhiteSpace(model.Provider) || string.IsNullOrWhiteSpace(model.Name)))
            return TaskProblems.Invalid("model", "A model needs provider and name.");
        if (files.Count > MaxFiles)
            return TaskProblems.Invalid("files", $"At most {MaxFiles} files.");
        for (var i = 0; i < files.Count; i++)
        {
            var (name, _, bytes) = files[i];
            if (string.IsNullOrWhiteSpace(name) || name.Contains('/', StringComparison.Ordinal) || name is "." or ".." || name.Contains('\0', StringComparison.Ordinal))
                return TaskProblems.Invalid($"files[{i}].name", "A plain file name is required (no path).");
            if (bytes.LongLength > MaxFileBytes)
                return TaskProblems.Invalid($"files[{i}]", $"Larger than {MaxFileBytes} bytes.");
        }
        return null;
    }

    private static bool TryParse<TEnum>(string value, out TEnum parsed) where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Wire.Name(candidate), value, StringComparison.OrdinalIgnoreCase))
            {
                parsed = candidate;
                return true;
            }
        }
        parsed = default;
        return false;
    }
}

internal static class ModelCatalog
{
    /// <summary>The models the Agent module is configured with, in Bytebot's shape.</summary>
    public static IReadOnlyList<TaskModel> Configured(IModelCatalog catalog) =>
        [.. catalog.Models.Select(m => new TaskModel(m.Provider, m.Name, m.Title, m.ContextWindow))];

    /// <summary>The first configured model, or a placeholder the agent resolves to its default when it runs the task.</summary>
    public static TaskModel Default(IModelCatalog catalog) =>
        Configured(catalog) is [var first, ..] ? first : new TaskModel("default", "default", "Default model");
}
