using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Bytebot.Platform.Http;

/// <summary>One part of a multipart/form-data body; <see cref="Body"/> is read straight from the request.</summary>
public sealed record MultipartPart(string Name, string? FileName, string? ContentType, Stream Body);

/// <summary>
/// Reads multipart/form-data one part at a time, so a file part can be streamed to disk instead of being
/// buffered (what <c>ReadFormAsync</c> does). Read each part's body before asking for the next.
/// </summary>
public static class MultipartParts
{
    /// <summary>Raises this request's body limit (Kestrel's default is 30,000,000 bytes) to <paramref name="maxBytes"/>.</summary>
    public static void AllowBody(HttpContext context, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = maxBytes;
    }

    /// <summary>The parts; throws <see cref="InvalidDataException"/> when the body is not valid multipart.</summary>
    public static async IAsyncEnumerable<MultipartPart> ReadAsync(HttpRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
            throw new InvalidDataException("The multipart boundary is missing.");
        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                continue;
            var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
            yield return new MultipartPart(HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "", fileName, section.ContentType, section.Body);
        }
    }
}
