using System.Text.Json;
using Bytebot.Desktop.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Wolverine;

namespace Bytebot.Desktop.Features.Actions;

/// <summary>
/// <c>POST /computer-use</c>: Bytebot's contract (201, empty body or its result objects) with its holes closed: every
/// bad field is a 400 problem+json naming it, failures are a 500 without internals, actions on one desktop never overlap.
/// </summary>
internal static partial class ComputerUseEndpoint
{
    // write_file carries base64: Bytebot's 50 MB body limit plus the base64 overhead.
    public const long MaxBodyBytes = 70L * 1024 * 1024;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    public static IEndpointRouteBuilder MapComputerUse(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/computer-use", HandleAsync).DisableAntiforgery().DescribeComputerUse();
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, IMessageBus bus, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxBodyBytes;
        if (http.Request.ContentLength > MaxBodyBytes)
            return TooLarge();
        try
        {
            ComputerAction action;
            using (var body = await JsonDocument.ParseAsync(http.Request.Body, DocumentOptions, cancellationToken))
                action = ActionParser.Parse(body.RootElement);
            return ToHttp(await bus.InvokeAsync<ComputerActionResult>(action, cancellationToken));
        }
        catch (JsonException exception)
        {
            return Invalid(new Dictionary<string, string[]> { ["$"] = [$"The body is not valid JSON: {exception.Message}"] });
        }
        catch (ComputerActionRejectedException rejected)
        {
            return Invalid(rejected.Errors);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (DesktopUnavailableException unavailable)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "desktop_unavailable", detail: unavailable.Message);
        }
        catch (ApplicationDidNotStartException failed)
        {
            return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "The application did not start", detail: failed.Message);
        }
        catch (DesktopBusyException busy)
        {
            return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "The desktop is busy", detail: busy.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (Exception exception)
        {
            // The message can hold paths and driver internals: it goes to the log, the caller gets the trace id.
            LogFailed(loggers.CreateLogger(typeof(ComputerUseEndpoint)), exception);
            return Results.Problem(
                statusCode: StatusCodes.Status500InternalServerError,
                title: "Failed to execute computer action",
                detail: "The desktop could not execute the action; the host log has the details under this request's trace id.");
        }
    }

    public static IResult ToHttp(ComputerActionResult result) => result switch
    {
        ScreenshotImage image => new ImageJson(image),
        ScreenText text => Results.Json(new { lines = text.Lines }, statusCode: StatusCodes.Status201Created),
        TextMatches found => Results.Json(new { matches = found.Matches }, statusCode: StatusCodes.Status201Created),
        AccessibleTree tree => Results.Json(new { elements = tree.Elements, truncated = tree.Truncated }, statusCode: StatusCodes.Status201Created),
        CursorPoint point => Results.Json(new { x = point.X, y = point.Y }, statusCode: StatusCodes.Status201Created),
        FileWritten written => Results.Json(new { success = written.Success, message = written.Message }, statusCode: StatusCodes.Status201Created),
        FileContent { Success: true } read => Results.Json(
            new { success = true, data = Convert.ToBase64String(read.Data!), name = read.Name, size = read.Size, mediaType = read.MediaType },
            statusCode: StatusCodes.Status201Created),
        FileContent failed => Results.Json(new { success = false, message = failed.Message }, statusCode: StatusCodes.Status201Created),
        _ => Results.StatusCode(StatusCodes.Status201Created),
    };

    public static string Format(ImageEncoding encoding) => encoding.ToString().ToLowerInvariant();

    private static IResult Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors.ToDictionary(), title: "The action is invalid", detail: string.Join(" ", errors.Keys.Select(k => $"'{k}'")) + " rejected.");

    private static IResult TooLarge() =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The body is too large", detail: $"At most {MaxBodyBytes} bytes.");

    [LoggerMessage(Level = LogLevel.Error, Message = "Computer action failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
