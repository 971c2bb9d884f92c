using Bytebot.Files.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Bytebot.Files.Blobs;

internal static class GetBlob
{
    public static IResult Handle(string sha256, IBlobStore blobs, HttpContext context)
    {
        if (!DataDirectoryBlobStore.IsSha256(sha256))
            return FileProblems.Invalid("sha256", "Must be 64 hexadecimal characters (a SHA-256).");
        if (blobs.Find(sha256) is not { } blob || blobs.OpenRead(blob.Sha256) is not { } stream)
            return FileProblems.NotFound("sha256", $"No blob {sha256.ToLowerInvariant()}.");
        // The bytes behind a hash never change.
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        FileProblems.Harden(context.Response);
        return TypedResults.File(stream, blob.MediaType, entityTag: new EntityTagHeaderValue($"\"{blob.Sha256}\""), enableRangeProcessing: true);
    }
}
