using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Bytebot.Dashboard.Circuits;

/// <summary>
/// A host that is stopping answers 503 to a new circuit connection. Without this, a browser reconnecting during the stop
/// could negotiate with the old host and then not find the connection on it (a 404 on the WebSocket). blazor.web.js
/// then fell back to long polling, and once in a CI run it never reloaded against the host that replaced it. A 503 is
/// only a failed attempt: it is retried, and the new host's "no such circuit" reloads the page.
/// </summary>
internal sealed class StoppingHostRefusesCircuits(RequestDelegate next, IHostApplicationLifetime lifetime)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested
            && context.Request.Path.StartsWithSegments("/_blazor", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        }
        return next(context);
    }
}
