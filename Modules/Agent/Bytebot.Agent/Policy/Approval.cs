using System.Text.Json;
using System.Text.Json.Nodes;
using Bytebot.Agent.Contracts;
using Bytebot.Agent.Tools;

namespace Bytebot.Agent.Policy;

internal static class ApprovalStatus
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Denied = "denied";
    public const string Expired = "expired";

    public static readonly string[] All = [Pending, Approved, Denied, Expired];
}

/// <summary>
/// A call waiting for (or past) a human's decision; a Marten document. <c>Input</c> is masked: the unmasked
/// arguments live only in the memory of the gate that waits, and that gate's caller runs them.
/// </summary>
internal sealed record Approval
{
    public Guid Id { get; init; }

    public Guid? TaskId { get; init; }

    public required string Tool { get; init; }

    public required string Input { get; init; }

    public required string Reason { get; init; }

    public required string Caller { get; init; }

    public string Status { get; init; } = ApprovalStatus.Pending;

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? DecidedBy { get; init; }

    public string? Note { get; init; }

    public ApprovalNotice ToNotice() => new(
        Id, TaskId, Tool, ParsedInput(), Reason, Status, CreatedAt, ExpiresAt, DecidedAt, DecidedBy, Note);

    private JsonElement ParsedInput()
    {
        try
        {
            using var document = JsonDocument.Parse(Input);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(Input);
        }
    }

    /// <summary>The arguments as they may be stored and shown: sensitive text replaced by the placeholder.</summary>
    public static string Masked(string tool, string argumentsJson)
    {
        JsonObject? arguments;
        try
        {
            arguments = JsonNode.Parse(argumentsJson) as JsonObject;
        }
        catch (JsonException)
        {
            // Not an object the rules could read field by field: nothing of it is shown or stored.
            return JsonSerializer.Serialize(SensitiveText.Placeholder);
        }
        if (arguments is null)
            return JsonSerializer.Serialize(SensitiveText.Placeholder);
        if (tool is "computer_type_text" or "computer_paste_text"
            && (Flag(arguments, "isSensitive") || Flag(arguments, "sensitive")) && arguments.ContainsKey("text"))
            arguments["text"] = SensitiveText.Placeholder;
        return arguments.ToJsonString();
    }

    private static bool Flag(JsonObject arguments, string name) =>
        arguments[name] is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;
}
