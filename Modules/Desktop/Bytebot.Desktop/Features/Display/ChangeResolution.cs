using System.Text.Json;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Wolverine;

namespace Bytebot.Desktop.Features.Display;

public static class ChangeResolutionHandler
{
    /// <remarks>
    /// In the action queue, so no action runs at the old size and lands at the new one. Refused while the agent has
    /// control: its next click would be in the frame of its last screenshot.
    /// </remarks>
    public static async Task<ScreenResolution> HandleAsync(
        ChangeResolution message, DesktopScreen desktop, CancellationToken cancellationToken)
    {
        var size = Validate(message);
        if (!desktop.Supervisor.IsManaged)
            throw new ResolutionConflictException(
                $"This desktop is external (DISPLAY {desktop.Supervisor.Display}): its size is set by whoever runs " +
                "its X server, not by Bytebot.");
        return await desktop.Queue.RunAsync(byAgent: false, async token =>
        {
            if (desktop.Control.Owner == ControlOwner.Agent)
                throw new ResolutionConflictException(
                    "The agent is acting on the desktop; take over its task before changing the resolution.");
            if ((desktop.Supervisor.Width, desktop.Supervisor.Height) == (size.Width, size.Height))
                return size;
            try
            {
                await desktop.Driver.ResizeScreenAsync(new ScreenSize(size.Width, size.Height), token);
            }
            catch (InvalidOperationException e)
            {
                throw new ResolutionConflictException($"The screen cannot change to {size}: {e.Message}", e);
            }
            desktop.Supervisor.Take(size);
            return size;
        }, cancellationToken);
    }

    private static ScreenResolution Validate(ChangeResolution message)
    {
        var size = new ScreenResolution(message.Width, message.Height);
        if (ScreenResolution.Choices.Contains(size))
            return size;
        var offered = string.Join(", ", ScreenResolution.Choices);
        var problem = $"{size} is not offered; choose one of {offered}.";
        throw new ComputerActionRejectedException(ScreenResolution.Choices.Any(c => c.Width == size.Width)
            ? new Dictionary<string, string[]> { ["height"] = [problem] }
            : new Dictionary<string, string[]> { ["width"] = [problem] });
    }
}

/// <summary><c>GET</c>/<c>PUT /api/desktop/resolution</c>: the screen's size, the sizes offered, the change.</summary>
internal static class ResolutionEndpoints
{
    private const string Resolution = """
        {"type":"object","required":["width","height"],"properties":{
          "width":{"type":"integer","description":"Pixels across."},
          "height":{"type":"integer","description":"Pixels down."}}}
        """;

    private sealed record ResolutionView(
        int Width, int Height, bool Changeable, IReadOnlyList<ScreenResolution> Choices);

    public static IEndpointRouteBuilder MapResolution(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/desktop/resolution", (IDesktopEnvironment desktop) => View(desktop))
            .WithName("GetDesktopResolution").WithTags("Desktop")
            .WithSummary("The desktop's screen size, whether it can change (a managed desktop) and the sizes offered.")
            .Produces<ResolutionView>();
        endpoints.MapPut("/api/desktop/resolution", ChangeAsync)
            .WithName("ChangeDesktopResolution").WithTags("Desktop")
            .WithSummary("Changes the managed desktop's screen to an offered size, at once and for later starts.")
            .DescribesBody(("application/json", Resolution))
            .Produces<ResolutionView>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static ResolutionView View(IDesktopEnvironment desktop) =>
        new(desktop.Width, desktop.Height, desktop.IsManaged, ScreenResolution.Choices);

    private static async Task<IResult> ChangeAsync(
        HttpContext http, IMessageBus bus, IDesktopEnvironment desktop, CancellationToken cancellationToken)
    {
        try
        {
            ChangeResolution change;
            using (var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: cancellationToken))
                change = Parse(body.RootElement);
            await bus.InvokeAsync<ScreenResolution>(change, cancellationToken);
            return Results.Json(View(desktop));
        }
        catch (JsonException e)
        {
            return Invalid(new Dictionary<string, string[]> { ["$"] = [$"The body is not valid JSON: {e.Message}"] });
        }
        catch (ComputerActionRejectedException rejected)
        {
            return Invalid(rejected.Errors);
        }
        catch (ResolutionConflictException conflict)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "The resolution cannot change now", detail: conflict.Message);
        }
        catch (DesktopBusyException busy)
        {
            return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests,
                title: "The desktop is busy", detail: busy.Message);
        }
        catch (DesktopUnavailableException unavailable)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "desktop_unavailable", detail: unavailable.Message);
        }
    }

    private static ChangeResolution Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw new ComputerActionRejectedException("$", "The body must be a JSON object with width and height.");
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var fields = new JsonFields(body, "", errors);
        var (width, height) = (fields.Int("width", required: true), fields.Int("height", required: true));
        fields.RejectUnknown();
        if (errors.Count > 0 || width is null || height is null)
            throw new ComputerActionRejectedException(
                errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        return new ChangeResolution(width.Value, height.Value);
    }

    private static IResult Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors.ToDictionary(), title: "The resolution is invalid",
            detail: string.Join(" ", errors.Keys.Select(k => $"'{k}'")) + " rejected.");
}
