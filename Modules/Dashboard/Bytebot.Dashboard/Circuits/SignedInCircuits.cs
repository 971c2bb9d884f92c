using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;

namespace Bytebot.Dashboard.Circuits;

/// <summary>
/// The circuit hub's connection is open to anyone, its methods only to a signed-in user (ADR 0021). After a restart
/// whose key ring no longer reads the browser's cookie, blazor.web.js can reconnect only by reaching the hub: a
/// refused negotiate (401) is retried for minutes, while "no such circuit" makes it reload the page, which the
/// sign-in redirect then meets.
/// </summary>
internal sealed class SignedInCircuits : IHubFilter
{
    private static readonly HashSet<string> Connection = ["_blazor", "_blazor/negotiate"];

    public static void AllowConnecting(EndpointBuilder endpoint)
    {
        if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } route }
            && Connection.Contains(route.Trim('/')))
            endpoint.Metadata.Add(new AllowAnonymousAttribute());
    }

    public ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        if (invocationContext.Context.User?.Identity?.IsAuthenticated == true)
            return next(invocationContext);
        // The answers the hub gives for a circuit it does not know; a thrown error instead leaves the script
        // connected to no circuit, a page that looks live and is dead.
        return invocationContext.HubMethodName switch
        {
            "ConnectCircuit" => ValueTask.FromResult<object?>(false),
            "ResumeCircuit" => ValueTask.FromResult<object?>(null),
            _ => throw new HubException("Sign in first."),
        };
    }
}
