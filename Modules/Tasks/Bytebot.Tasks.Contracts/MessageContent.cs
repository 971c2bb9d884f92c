using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bytebot.Tasks.Contracts;

/// <summary>An Anthropic-style content block of a task message; <c>type</c> names the kind.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextContent), "text")]
[JsonDerivedType(typeof(ImageContent), "image")]
[JsonDerivedType(typeof(DocumentContent), "document")]
[JsonDerivedType(typeof(ToolUseContent), "tool_use")]
[JsonDerivedType(typeof(ToolResultContent), "tool_result")]
[JsonDerivedType(typeof(ThinkingContent), "thinking")]
[JsonDerivedType(typeof(RedactedThinkingContent), "redacted_thinking")]
[JsonDerivedType(typeof(UserActionContent), "user_action")]
public abstract record MessageContent;

/// <summary>Plain text.</summary>
/// <param name="Text">The text.</param>
public sealed record TextContent([property: JsonPropertyName("text")] string Text) : MessageContent;

/// <summary>
/// Where an image's or document's bytes are: <c>type</c> is <c>blob</c> (stored; <c>sha256</c>, <c>size</c>)
/// or <c>base64</c> (<c>data</c>, only on the way in: the task store turns it into a blob).
/// </summary>
/// <param name="Type">blob or base64.</param>
/// <param name="MediaType">MIME type.</param>
/// <param name="Sha256">Hash of a stored blob.</param>
/// <param name="Size">Length of a stored blob.</param>
/// <param name="Data">Base64 bytes of an incoming block.</param>
public sealed record MediaSource(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("media_type")] string MediaType,
    [property: JsonPropertyName("sha256"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sha256 = null,
    [property: JsonPropertyName("size"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Size = null,
    [property: JsonPropertyName("data"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Data = null)
{
    /// <summary>A source pointing at a stored blob.</summary>
    public static MediaSource FromBlob(BlobReference blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        return new("blob", blob.MediaType, blob.Sha256, blob.Size);
    }
}

/// <summary>An image, e.g. a screenshot.</summary>
/// <param name="Source">Where its bytes are.</param>
public sealed record ImageContent([property: JsonPropertyName("source")] MediaSource Source) : MessageContent;

/// <summary>A document read into the conversation.</summary>
/// <param name="Source">Where its bytes are.</param>
/// <param name="Name">File name.</param>
/// <param name="Size">Length in bytes.</param>
public sealed record DocumentContent(
    [property: JsonPropertyName("source")] MediaSource Source,
    [property: JsonPropertyName("name")] string? Name = null,
    [property: JsonPropertyName("size")] long? Size = null) : MessageContent;

/// <summary>A tool call by the model.</summary>
/// <param name="Id">Call id, matched by <see cref="ToolResultContent.ToolUseId"/>.</param>
/// <param name="Name">Tool name, e.g. computer_click_mouse.</param>
/// <param name="Input">Tool arguments.</param>
public sealed record ToolUseContent(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("input")] JsonElement Input) : MessageContent;

/// <summary>The result of a tool call.</summary>
/// <param name="ToolUseId">The call it answers.</param>
/// <param name="Content">Result blocks (text, image, document).</param>
/// <param name="IsError">True when the tool failed.</param>
public sealed record ToolResultContent(
    [property: JsonPropertyName("tool_use_id")] string ToolUseId,
    [property: JsonPropertyName("content")] IReadOnlyList<MessageContent> Content,
    [property: JsonPropertyName("is_error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? IsError = null) : MessageContent;

/// <summary>Extended thinking.</summary>
/// <param name="Thinking">The thinking text.</param>
/// <param name="Signature">The provider's signature.</param>
public sealed record ThinkingContent(
    [property: JsonPropertyName("thinking")] string Thinking,
    [property: JsonPropertyName("signature")] string Signature) : MessageContent;

/// <summary>Thinking the provider redacted.</summary>
/// <param name="Data">Opaque provider data.</param>
public sealed record RedactedThinkingContent([property: JsonPropertyName("data")] string Data) : MessageContent;

/// <summary>What the user did on the desktop during a takeover: a screenshot and computer tool_use blocks.</summary>
/// <param name="Content">Image and tool_use blocks.</param>
public sealed record UserActionContent([property: JsonPropertyName("content")] IReadOnlyList<MessageContent> Content) : MessageContent;
