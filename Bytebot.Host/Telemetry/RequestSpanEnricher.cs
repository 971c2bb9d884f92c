using System.Diagnostics;

namespace Bytebot.Host.Telemetry;

/// <summary>
/// ASP.NET Core's own request span carries no HTTP attributes (that is the job of the instrumentation package,
/// which does not restore here), so the semantic-convention tags are added around the pipeline; the query is
/// redacted before it is recorded.
/// </summary>
internal sealed class RequestSpanEnricher(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var activity = Activity.Current;
        if (activity is null || !activity.IsAllDataRequested)
        {
            await next(context);
            return;
        }

        var request = context.Request;
        activity.SetTag("http.request.method", request.Method);
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.Path.Value);
        if (request.QueryString.HasValue)
            activity.SetTag("url.query", SecretRedactor.Redact(request.QueryString.Value!.TrimStart('?')));
        activity.SetTag("server.address", request.Host.Host);
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            if (route is not null)
                activity.SetTag("http.route", route);
            activity.DisplayName = route is null ? request.Method : $"{request.Method} {route}";
            activity.SetTag("http.response.status_code", context.Response.StatusCode);
            if (context.Response.StatusCode >= 500)
                activity.SetStatus(ActivityStatusCode.Error);
        }
    }
}
