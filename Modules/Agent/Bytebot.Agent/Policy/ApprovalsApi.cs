using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bytebot.Agent.Policy;

/// <summary><c>/api/approvals</c>: list, read and decide approvals; ids and statuses are checked here.</summary>
internal static class ApprovalsApi
{
    public const int MaxNote = 2000;

    public const string DecideSchema = """
        {"type":"object","properties":{"note":{"type":"string","maxLength":2000,
        "description":"Why; shown with the decision and recorded on the task"}}}
        """;

    public static async Task<IResult> ListAsync(string? status, ApprovalBook book, CancellationToken cancellationToken)
    {
        var wanted = status?.Trim().ToLowerInvariant();
        if (wanted is not null && !ApprovalStatus.All.Contains(wanted))
            return Invalid("status", $"'{status}' is not a status; use pending, approved, denied or expired.");
        var approvals = await book.ListAsync(wanted, cancellationToken);
        return TypedResults.Ok(approvals.Select(a => a.ToNotice()).ToList());
    }

    public static async Task<IResult> GetAsync(string id, ApprovalBook book, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var approvalId))
            return InvalidId();
        return await book.GetAsync(approvalId, cancellationToken) is { } approval
            ? TypedResults.Ok(approval.ToNotice())
            : NotFound(approvalId);
    }

    public static Task<IResult> ApproveAsync(string id, HttpContext context, ApprovalBook book,
        CancellationToken cancellationToken) =>
        DecideAsync(id, ApprovalStatus.Approved, context, book, cancellationToken);

    public static Task<IResult> DenyAsync(string id, HttpContext context, ApprovalBook book,
        CancellationToken cancellationToken) =>
        DecideAsync(id, ApprovalStatus.Denied, context, book, cancellationToken);

    private static async Task<IResult> DecideAsync(
        string id, string status, HttpContext context, ApprovalBook book, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var approvalId))
            return InvalidId();
        var (note, error) = await NoteAsync(context.Request, cancellationToken);
        if (error is not null)
            return error;
        var by = context.User.Identity?.Name is { Length: > 0 } name ? name : "api";
        var verb = status == ApprovalStatus.Approved ? "approved" : "denied";
        var (outcome, approval) = await book.DecideAsync(
            approvalId, status, by, note, note ?? $"{verb} by {by}", cancellationToken);
        return outcome switch
        {
            DecideOutcome.Decided => TypedResults.Ok(approval!.ToNotice()),
            DecideOutcome.NotFound => NotFound(approvalId),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The approval is not pending",
                detail: $"Approval {approvalId} is {approval?.Status ?? "gone"}; only a pending one can be decided."),
        };
    }

    private static async Task<(string? Note, IResult? Error)> NoteAsync(
        HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
            return (null, null);
        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(text);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (null, Invalid("body", "Must be a JSON object such as {\"note\": \"…\"}, or empty."));
        }
        if (body.ValueKind != JsonValueKind.Object)
            return (null, Invalid("body", "Must be a JSON object such as {\"note\": \"…\"}, or empty."));
        if (!body.TryGetProperty("note", out var note) || note.ValueKind == JsonValueKind.Null)
            return (null, null);
        if (note.ValueKind != JsonValueKind.String)
            return (null, Invalid("note", "Must be a string."));
        var trimmed = note.GetString()!.Trim();
        return trimmed.Length > MaxNote
            ? (null, Invalid("note", $"At most {MaxNote} characters."))
            : (trimmed.Length == 0 ? null : trimmed, null);
    }

    private static ValidationProblem InvalidId() => Invalid("id", "Must be an approval's id (a GUID).");

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Approval not found",
            detail: $"No approval has id {id}.");

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
