using System.Text.Json;
using System.Text.Json.Nodes;
using Bytebot.Agent.Plugins;
using Bytebot.Agent.Tools;
using Bytebot.Desktop.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using ModelContextProtocol.Protocol;
using Wolverine;

namespace Bytebot.Agent.Mcp;

/// <summary>
/// The MCP clients' side of the tools: coordinates in screen pixels, nothing recorded, images under the size MCP
/// clients take. <c>/mcp</c> lists <see cref="ToolKernel.McpTools"/> and runs each call through the kernel, so an
/// MCP call passes the same parser and the same filters as the agent's.
/// </summary>
internal sealed partial class McpCalls(ToolKernel kernel, IMessageBus bus, ILogger<McpCalls> logger)
{
    // Bytebot compressed MCP screenshots to 1024 KB; larger images are refused by several MCP clients.
    public const int MaxImageBytes = 1024 * 1024;

    private static readonly Screenshot[] SmallerScreenshots =
    [
        new(ImageEncoding.Jpeg, Quality: 80),
        new(ImageEncoding.Jpeg, Quality: 60, Scale: 0.5),
    ];

    public static IList<Tool> List { get; } = [.. ToolKernel.McpTools.Select(tool => new Tool
    {
        Name = tool.Name,
        Description = tool.Description,
        InputSchema = tool.InputSchema,
    })];

    public async Task<CallToolResult> CallAsync(string name, IDictionary<string, JsonElement>? arguments, CancellationToken cancellationToken)
    {
        var input = JsonSerializer.SerializeToElement(arguments ?? new Dictionary<string, JsonElement>());
        return (CallToolResult)await kernel.InvokeAsync(new Caller(this), name, input, cancellationToken);
    }

    private sealed class Caller(McpCalls calls) : IToolCaller
    {
        public Guid? TaskId => null;

        public string Kind => "mcp";

        public IReadOnlyList<KernelPlugin> Plugins => ToolKernel.McpPlugins;

        public async Task<object> ComputerAsync(JsonObject body, CancellationToken cancellationToken) =>
            await calls.RunAsync(body, cancellationToken);

        public object Refuse(string message) => Error(message);
    }

    private async Task<CallToolResult> RunAsync(JsonObject body, CancellationToken cancellationToken)
    {
        try
        {
            if (body["action"]?.GetValue<string>() == "click_text")
                return await ClickTextAsync(body, cancellationToken);
            var action = await ParseAsync(body, cancellationToken);
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
            LogFailed(logger, body["action"]?.ToString() ?? "", exception);
            return Error("The desktop could not execute the action; the host log has the details.");
        }
    }

    private async Task<CallToolResult> ClickTextAsync(JsonObject body, CancellationToken cancellationToken)
    {
        var click = (ClickMouse)await ParseAsync(TextClicks.Click(body), cancellationToken);
        body["action"] = "find_text";
        var find = (FindText)await ParseAsync(body, cancellationToken);
        var matches = (await bus.InvokeAsync<TextMatches>(find, cancellationToken)).Matches;
        if (matches.Count == 0)
            return Error($"'{find.Text}' is not on the screen (OCR found no match).");
        await bus.InvokeAsync<ComputerActionResult>(click with { Coordinates = TextClicks.Centre(matches[0].Box) }, cancellationToken);
        var box = matches[0].Box;
        return Text($"Clicked '{matches[0].Text}' at [{box.X}, {box.Y}, {box.X + box.Width}, {box.Y + box.Height}].");
    }

    private async Task<ComputerAction> ParseAsync(JsonObject body, CancellationToken cancellationToken) =>
        (await bus.InvokeAsync<ParsedAction>(new ParseComputerAction(JsonSerializer.SerializeToElement(body)), cancellationToken)).Action;

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
