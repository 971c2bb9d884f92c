using Bytebot.Agent.Contracts;
using Bytebot.Files.Contracts;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Decisions;
using Bytebot.Tasks.ReadModels;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Tasks.Api;

internal static class ReadTasks
{
    public const int MaxLimit = 200;

    public static async Task<IResult> ListAsync(TaskViews views, string? page, string? limit, string? status, string? statuses,
        string? search, string? tag, CancellationToken cancellationToken)
    {
        if (Paging(page, limit, 10) is { Error: { } error })
            return error;
        var (pageNumber, size, _) = Paging(page, limit, 10);
        var wanted = new List<string>();
        foreach (var (field, value) in new[] { ("status", status), ("statuses", statuses) })
        {
            foreach (var item in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var known = Enum.GetValues<AgentTaskStatus>().Select(Wire.Name).FirstOrDefault(n => string.Equals(n, item, StringComparison.OrdinalIgnoreCase));
                if (known is null)
                    return TaskProblems.Invalid(field, $"'{item}' is not a status; use PENDING, RUNNING, NEEDS_HELP, NEEDS_REVIEW, COMPLETED, CANCELLED or FAILED.");
                wanted.Add(known);
            }
        }
        if (search is { Length: > 500 })
            return TaskProblems.Invalid("search", "At most 500 characters.");
        string? normal = null;
        if (tag is not null && (normal = TaskLinks.NormalTag(tag)) is null)
            return TaskProblems.Invalid("tag", TaskLinks.TagRule);
        return TypedResults.Ok(await views.ListAsync(pageNumber, size, wanted, search, cancellationToken, normal));
    }

    public static async Task<IResult> GetAsync(Guid id, TaskViews views, CancellationToken cancellationToken) =>
        await views.GetAsync(id, detailed: true, cancellationToken) is { } task ? TypedResults.Ok(task) : TaskProblems.NotFound(id);

    public static async Task<IResult> TimelineAsync(Guid id, TaskViews views, CancellationToken cancellationToken) =>
        await views.GetAsync(id, detailed: false, cancellationToken) is null
            ? TaskProblems.NotFound(id)
            : TypedResults.Ok(await views.TimelineAsync(id, cancellationToken));

    public static async Task<IResult> DownloadFileAsync(Guid id, Guid fileId, TaskViews views, IBlobStore blobs, CancellationToken cancellationToken)
    {
        if (await views.GetFileAsync(id, fileId, cancellationToken) is not { } file || blobs.OpenRead(file.Sha256) is not { } stream)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "File not found", detail: $"Task {id} has no file {fileId}.");
        return TypedResults.File(stream, file.MediaType, file.Name, enableRangeProcessing: true);
    }

    public static async Task<IResult> DownloadBlobAsync(Guid id, string sha256, HttpContext context, TaskViews views, IBlobStore blobs,
        CancellationToken cancellationToken)
    {
        if (await views.GetAsync(id, detailed: false, cancellationToken) is null)
            return TaskProblems.NotFound(id);
        if (blobs.Find(sha256) is not { } blob || blobs.OpenRead(blob.Sha256) is not { } stream)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Blob not found", detail: $"No blob {sha256}.");
        // Content-addressed: the bytes behind a hash never change, so a timeline's thumbnails are fetched once.
        context.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
        return TypedResults.File(stream, blob.MediaType,
            entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{blob.Sha256}\""), enableRangeProcessing: true);
    }

    public static async Task<IResult> ModelsAsync(IModelCatalog catalog, CancellationToken cancellationToken)
    {
        var models = TaskModels.Of(await catalog.ListAsync(cancellationToken));
        if (models.Count > 0)
            return TypedResults.Ok(models);
        // Bytebot's UI expects an array; the hint travels in a header so the body stays that array.
        return TypedResults.Extensions.WithHint(models,
            "No model is configured: set ANTHROPIC_API_KEY, OPENAI_API_KEY or GEMINI_API_KEY, or Agent__Models__0__Provider and Agent__Models__0__Model (plus BaseUrl for an OpenAI-compatible server such as Ollama, vLLM, LiteLLM or Gemini's endpoint).");
    }

    public static (int Page, int Limit, IResult? Error) Paging(string? page, string? limit, int defaultLimit)
    {
        var pageNumber = 1;
        var size = defaultLimit;
        if (page is not null && (!int.TryParse(page, out pageNumber) || pageNumber < 1))
            return (0, 0, TaskProblems.Invalid("page", "Must be a whole number of at least 1."));
        if (limit is not null && (!int.TryParse(limit, out size) || size < 1 || size > MaxLimit))
            return (0, 0, TaskProblems.Invalid("limit", $"Must be a whole number from 1 to {MaxLimit}."));
        return (pageNumber, size, null);
    }
}

internal static class HintResults
{
    public static IResult WithHint<T>(this IResultExtensions _, T value, string hint) => new Hinted<T>(value, hint);

    private sealed class Hinted<T>(T value, string hint) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers["X-Bytebot-Hint"] = hint;
            return TypedResults.Ok(value).ExecuteAsync(httpContext);
        }
    }
}
