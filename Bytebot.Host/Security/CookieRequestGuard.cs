using Microsoft.AspNetCore.Antiforgery;
using Bytebot.Host.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Bytebot.Host.Security;

/// <summary>
/// SameSite=Strict keeps the session cookie off cross-site requests, but not off same-site ones: any other port on
/// this host (an app on the desktop, a dev server) is the same site and could post a form or a text/plain body to
/// the API with the cookie attached. So an unsafe request authenticated by the cookie must carry
/// <c>X-Bytebot-Request</c>, which a form cannot send and a cross-origin fetch cannot send without a CORS preflight
/// that we refuse; or go to an endpoint that validates an antiforgery token itself. Bearer clients are unaffected.
/// The dashboard's circuit hub is exempt: its only unsafe request without a connection token is the negotiate, whose
/// answer a forging page cannot read, and its WebSocket is an Origin-checked GET.
/// </summary>
internal sealed class CookieRequestGuard(RequestDelegate next)
{
    public const string HeaderName = "X-Bytebot-Request";

    public Task InvokeAsync(HttpContext context)
    {
        if (!IsUnsafe(context.Request.Method)
            || context.Request.Headers.ContainsKey("Authorization")
            || !context.Request.Cookies.ContainsKey(AuthSetup.CookieName)
            || context.Request.Headers.ContainsKey(HeaderName)
            || context.GetEndpoint() is not { } endpoint
            || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
            || endpoint.Metadata.GetMetadata<HubMetadata>() is not null
            || endpoint.Metadata.GetMetadata<IAntiforgeryMetadata>() is { RequiresValidation: true })
            return next(context);

        return Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Missing request header",
            $"Requests authenticated by the dashboard cookie must send '{HeaderName}: 1'.");
    }

    private static bool IsUnsafe(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));
}
