using Bytebot.Desktop.Driver;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Desktop.Features.Apps;
using Microsoft.Extensions.Logging;
using Wolverine;
using ModelContextProtocol.Protocol;

namespace Bytebot.Desktop.Mcp;

/// <summary>
/// Bytebot's 16 <c>computer_*</c> MCP tools (bytebot-api.md §1.10) and ours (zoom, OCR, the accessibility tree). Arguments go through the same parser and bus as
/// <c>POST /computer-use</c>, so both surfaces accept and refuse exactly the same things.
/// </summary>
internal sealed partial class ComputerTools(IMessageBus bus, ILogger<ComputerTools> logger)
{
    public const string Prefix = "computer_";

    // Bytebot compressed MCP screenshots to 1024 KB; larger images are refused by several MCP clients.
    public const int MaxImageBytes = 1024 * 1024;

    private static readonly Screenshot[] SmallerScreenshots =
    [
        new(ImageEncoding.Jpeg, Quality: 80),
        new(ImageEncoding.Jpeg, Quality: 60, Scale: 0.5),
    ];

    public static IList<Tool> List { get; } = [.. ActionSchemas.All.Select(action => new Tool
    {
        Name = Prefix + action.Action,
        Description = action.Description,
        InputSchema = JsonSerializer.SerializeToElement(action.Input),
    })];

    public async Task<CallToolResult> CallAsync(string name, IDictionary<string, JsonElement>? arguments, CancellationToken cancellationToken)
    {
        try
        {
            var body = new JsonObject();
            foreach (var (key, value) in arguments ?? new Dictionary<string, JsonElement>())
                body[key] = JsonNode.Parse(value.GetRawText());
            if (name == "computer_wait" && !body.ContainsKey("duration"))
                body["duration"] = 500;
            if (!name.StartsWith(Prefix, StringComparison.Ordinal) || body.ContainsKey("action"))
                return Error($"Unknown tool '{name}'.");
            body["action"] = name[Prefix.Length..];
            var action = ActionParser.Parse(JsonSerializer.SerializeToElement(body));
            var result = await bus.InvokeAsync<ComputerActionResult>(action, cancellationToken);
            if (result is ScreenshotImage image)
                result = await FitAsync(action, image, cancellationToken);
            return ToContent(result);
        }
        catch (ComputerActionRejectedException rejected)
        {
            return Error(rejected.Message);
        }
        catch (DesktopUnavailableException unavailable)
        {
            return Error(unavailable.Message);
        }
        catch (ApplicationDidNotStartException failed)
        {
            return Error(failed.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(logger, name, exception);
            return Error("The desktop could not execute the action; the host log has the details.");
        }
    }

    private async Task<ScreenshotImage> FitAsync(ComputerAction action, ScreenshotImage image, CancellationToken cancellationToken)
    {
        foreach (var smaller in SmallerScreenshots)
        {
            if (image.Image.Length <= MaxImageBytes)
                break;
            // A zoom stays a zoom of its region, only as JPEG (and then at half the size).
            ComputerAction retry = action is Zoom zoom
                ? zoom with
                {
                    Format = ImageEncoding.Jpeg,
                    MaxWidth = smaller.Scale is { } scale ? (int)(image.Width * scale) : zoom.MaxWidth,
                    MaxHeight = smaller.Scale is { } half ? (int)(image.Height * half) : zoom.MaxHeight,
                }
                : smaller;
            image = await bus.InvokeAsync<ScreenshotImage>(retry, cancellationToken);
        }
        return image;
    }

    private static CallToolResult ToContent(ComputerActionResult result) => result switch
    {
        ScreenshotImage image => new CallToolResult { Content = [ImageContentBlock.FromBytes(image.Image, image.MediaType)] },
        CursorPoint point => Text(JsonSerializer.Serialize(new { x = point.X, y = point.Y })),
        ScreenText text => Text(JsonSerializer.Serialize(new { lines = text.Lines }, JsonSerializerOptions.Web)),
        TextMatches found => Text(JsonSerializer.Serialize(new { matches = found.Matches }, JsonSerializerOptions.Web)),
        AccessibleTree tree => Text(JsonSerializer.Serialize(new { elements = tree.Elements, truncated = tree.Truncated }, JsonSerializerOptions.Web)),
        FileWritten written => new CallToolResult { Content = [new TextContentBlock { Text = written.Message }], IsError = !written.Success },
        FileContent { Success: true } read => Text(JsonSerializer.Serialize(new
        {
            name = read.Name,
            size = read.Size,
            mediaType = read.MediaType,
            data = Convert.ToBase64String(read.Data!),
        })),
        FileContent failed => Error(failed.Message ?? "The file could not be read."),
        _ => Text("done"),
    };

    private static CallToolResult Text(string text) => new() { Content = [new TextContentBlock { Text = text }] };

    private static CallToolResult Error(string text) => new() { Content = [new TextContentBlock { Text = text }], IsError = true };

    [LoggerMessage(Level = LogLevel.Error, Message = "MCP tool {Tool} failed")]
    private static partial void LogFailed(ILogger logger, string tool, Exception exception);
}
