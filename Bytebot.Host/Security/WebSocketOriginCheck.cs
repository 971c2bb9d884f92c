using Microsoft.Extensions.Options;

namespace Bytebot.Host.Security;

/// <summary>
/// CORS does not cover WebSockets, and ASP.NET Core accepts upgrades from any Origin by default, so a page
/// on another site could ride the dashboard cookie (cross-site WebSocket hijacking). Upgrades that carry an
/// Origin must come from this host or a configured origin; non-browser clients send none and use a bearer token.
/// </summary>
internal sealed class WebSocketOriginCheck(RequestDelegate next, IOptions<SecurityOptions> options)
{
    private readonly HashSet<string> _allowed = new(options.Value.AllowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
            return next(context);

        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || IsSameOrigin(context.Request, origin) || _allowed.Contains(origin.TrimEnd('/')))
            return next(context);

        return Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Origin not allowed",
            $"WebSocket connections from origin '{origin}' are refused.");
    }

    internal static bool IsSameOrigin(HttpRequest request, string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
