using System.Text.Json;
using Bytebot.Agent.Contracts;
using Bytebot.Files.Contracts;
using Bytebot.Platform.Http;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Tasks.Api;

internal sealed record IncomingFile(string? Name, string? Base64, string? Type, long? Size);

internal sealed record CreateTaskRequest(
    string? Description, string? Type, string? ScheduledFor, string? Priority, string? CreatedBy, TaskModel? Model,
    IReadOnlyList<IncomingFile>? Files, string? Node = null, IReadOnlyList<string>? Capabilities = null,
    IReadOnlyList<string>? FallbackNodes = null, IReadOnlyList<string>? Tags = null, string? DueAt = null,
    IReadOnlyList<string>? DependsOn = null);

internal static class CreateTask
{
    private const string Octets = "application/octet-stream";

    public static async Task<IResult> FromJsonAsync(HttpRequest request, TaskCreator creator, IBlobStore blobs, UploadLimits limits,
        TaskViews views, CancellationToken cancellationToken)
    {
        MultipartParts.AllowBody(request.HttpContext, limits.MaxRequestBytes);
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
        if (body.Files?.Count > limits.MaxFiles)
            return TaskProblems.Invalid("files", $"At most {limits.MaxFiles} files.");
        var files = new List<(string Name, StoredBlob Blob)>();
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
            if (bytes.LongLength > limits.MaxBytes)
                return TaskProblems.Invalid($"files[{i}]", $"Larger than {limits.MaxBytes} bytes.");
            files.Add((file.Name ?? "", await blobs.PutAsync(bytes, file.Type ?? Octets, cancellationToken)));
        }
        return await CreateAsync(body with { Files = null }, files, limits, creator, views, cancellationToken);
    }

    /// <summary>Streams each file part into the blob store as it arrives: 5 × 30 MB never sits in memory.</summary>
    public static async Task<IResult> FromFormAsync(HttpRequest request, TaskCreator creator, IBlobStore blobs, UploadLimits limits,
        TaskViews views, CancellationToken cancellationToken)
    {
        MultipartParts.AllowBody(request.HttpContext, limits.MaxRequestBytes);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new List<(string Name, StoredBlob Blob)>();
        if (!request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var (name, value) in await request.ReadFormAsync(cancellationToken))
                fields[name] = value.ToString();
        }
        else if (await ReadPartsAsync(request, blobs, limits, fields, files, cancellationToken) is { } problem)
        {
            return problem;
        }
        TaskModel? model = null;
        if (fields.GetValueOrDefault("model") is { Length: > 0 } modelJson)
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
        var body = new CreateTaskRequest(fields.GetValueOrDefault("description"), Empty(fields, "type"), Empty(fields, "scheduledFor"),
            Empty(fields, "priority"), Empty(fields, "createdBy"), model, null, Empty(fields, "node"),
            List(fields, "capabilities"), List(fields, "fallbackNodes"), List(fields, "tags"), Empty(fields, "dueAt"),
            List(fields, "dependsOn"));
        return await CreateAsync(body, files, limits, creator, views, cancellationToken);
    }

    private static async Task<IResult?> ReadPartsAsync(HttpRequest request, IBlobStore blobs, UploadLimits limits,
        Dictionary<string, string> fields, List<(string Name, StoredBlob Blob)> files, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var part in MultipartParts.ReadAsync(request, cancellationToken))
            {
                if (part.FileName is null)
                {
                    using var reader = new StreamReader(part.Body);
                    fields[part.Name] = await reader.ReadToEndAsync(cancellationToken);
                    continue;
                }
                if (files.Count == limits.MaxFiles)
                    return TaskProblems.Invalid("files", $"At most {limits.MaxFiles} files.");
                try
                {
                    files.Add((part.FileName, await blobs.PutAsync(part.Body, part.ContentType ?? Octets, limits.MaxBytes, cancellationToken)));
                }
                catch (BlobTooLargeException)
                {
                    return TaskProblems.Invalid($"files[{files.Count}]", $"{part.FileName} is larger than {limits.MaxBytes} bytes.");
                }
            }
            return null;
        }
        catch (InvalidDataException e)
        {
            return TaskProblems.Invalid("body", "Not valid multipart/form-data: " + e.Message);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TaskProblems.Invalid("body", $"The body is larger than {limits.MaxRequestBytes} bytes.");
        }
    }

    private static string? Empty(Dictionary<string, string> fields, string name) =>
        fields.GetValueOrDefault(name) is { Length: > 0 } value ? value : null;

    // A form carries a list as one comma-separated field.
    private static string[]? List(Dictionary<string, string> fields, string name) =>
        Empty(fields, name)?.Split(',', StringSplitOptions.TrimEntries);

    // Blobs are stored first: a refused or crashed request leaves unreferenced blobs (collected later), never a
    // task pointing at nothing.
    private static async Task<IResult> CreateAsync(CreateTaskRequest body, List<(string Name, StoredBlob Blob)> files, UploadLimits limits,
        TaskCreator creator, TaskViews views, CancellationToken cancellationToken)
    {
        if (files.Count > limits.MaxFiles)
            return TaskProblems.Invalid("files", $"At most {limits.MaxFiles} files.");
        if (files.FindIndex(f => f.Blob.Size > limits.MaxBytes) is var large and >= 0)
            return TaskProblems.Invalid($"files[{large}]", $"Larger than {limits.MaxBytes} bytes.");
        var stored = files.Select(f => new StoredFile(Guid.CreateVersion7(), f.Name, f.Blob.MediaType, f.Blob.Size, f.Blob.Sha256)).ToList();
        var draft = new TaskDraft(body.Description, body.Type, body.Priority, body.ScheduledFor, body.CreatedBy, body.Model,
            body.Node, body.Capabilities, body.FallbackNodes, body.Tags, body.DueAt, body.DependsOn);
        var (taskId, refusal) = await creator.CreateAsync(draft, stored, cancellationToken);
        if (refusal is not null)
            return TaskProblems.From(refusal);
        var view = await views.GetAsync(taskId, detailed: true, cancellationToken);
        return TypedResults.Created($"/api/tasks/{taskId}", view);
    }
}

/// <summary>The Agent module's models in Bytebot's task shape.</summary>
internal static class TaskModels
{
    /// <summary>The Agent module's models, in Bytebot's shape.</summary>
    public static IReadOnlyList<TaskModel> Of(IReadOnlyList<ModelDescriptor> models) =>
        [.. models.Select(m => new TaskModel(m.Provider, m.Name, m.Title, m.ContextWindow))];

    /// <summary>The first listed model, or a placeholder the agent resolves to its default when it runs it.</summary>
    public static TaskModel Default(IModelCatalog catalog) =>
        Of(catalog.Models) is [var first, ..] ? first : new TaskModel("default", "default", "Default model");
}
