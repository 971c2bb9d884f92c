using Bytebot.Platform.Files;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Files;

internal static class FileProblems
{
    public static IResult Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult Forbidden(string field, string message) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Outside the workspace", detail: message,
            extensions: Errors(field, message));

    public static IResult NotFound(string field, string message) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: message, extensions: Errors(field, message));

    public static IResult Conflict(string field, string message) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: message, extensions: Errors(field, message));

    public static IResult TooLarge(string field, string message) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large", detail: message, extensions: Errors(field, message));

    /// <summary>The problem a refused workspace operation answers with: its status, naming its field.</summary>
    public static IResult ToProblem(this WorkspaceRefusedException refused) => refused.Status switch
    {
        StatusCodes.Status403Forbidden => Forbidden(refused.Field, refused.Message),
        StatusCodes.Status404NotFound => NotFound(refused.Field, refused.Message),
        StatusCodes.Status409Conflict => Conflict(refused.Field, refused.Message),
        StatusCodes.Status413PayloadTooLarge => TooLarge(refused.Field, refused.Message),
        _ => Invalid(refused.Field, refused.Message),
    };

    /// <summary>
    /// Uploaded bytes are served from the dashboard's origin: an HTML or SVG file must not run script there, nor
    /// be sniffed into something that does.
    /// </summary>
    public static void Harden(HttpResponse response)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
    }

    private static Dictionary<string, object?> Errors(string field, string message) =>
        new() { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } };
}
