using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.FileProviders;

namespace Bytebot.Dashboard.LiveView;

/// <summary>
/// Serves noVNC's ES modules, which the build copies from the npm package into the output's <c>novnc/</c> folder,
/// as an authenticated endpoint like everything else. The file provider refuses paths that leave that folder.
/// </summary>
internal static class NoVncAssets
{
    public static IEndpointRouteBuilder MapNoVnc(this IEndpointRouteBuilder endpoints)
    {
        var files = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "novnc"));
        endpoints.MapGet("/novnc/{**path}", (string path, HttpContext context) =>
        {
            var file = files.GetFileInfo(path);
            if (!file.Exists || file.IsDirectory || file.PhysicalPath is null)
                return Results.NotFound();
            context.Response.Headers.CacheControl = "private, max-age=86400";
            var contentType = Path.GetExtension(path) == ".js"
                ? "text/javascript; charset=utf-8"
                : "text/plain; charset=utf-8";
            return Results.File(file.PhysicalPath, contentType, lastModified: file.LastModified);
        }).ExcludeFromDescription();
        return endpoints;
    }
}
