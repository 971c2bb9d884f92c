using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Bytebot.Desktop.Contracts;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Desktop.Features.Actions;

/// <summary>
/// A screenshot's 201 body, <c>{"image":"…","width":…,"height":…,"format":"…"}</c>, base64-encoded straight into the
/// response. Through Results.Json the image became a 1.1 MB UTF-16 string first, and the serializer escaped every
/// '+' of it as \u002B (the default encoder's HTML-safe set), falling back to its slow path for the rest of the
/// string; base64's alphabet needs no escaping in JSON.
/// </summary>
internal sealed class ImageJson(ScreenshotImage image) : IResult
{
    // A multiple of 3, so every block but the last encodes without padding.
    private const int Block = 48 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var prefix = "{\"image\":\""u8.ToArray();
        var suffix = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"\",\"width\":{image.Width},\"height\":{image.Height},\"format\":\"{ComputerUseEndpoint.Format(image.Format)}\"}}"));
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = prefix.Length + Base64.GetMaxEncodedToUtf8Length(image.Image.Length) + suffix.Length;
        var writer = response.BodyWriter;
        writer.Write(prefix);
        for (var offset = 0; offset < image.Image.Length; offset += Block)
        {
            var chunk = image.Image.AsSpan(offset, Math.Min(Block, image.Image.Length - offset));
            var target = writer.GetSpan(Base64.GetMaxEncodedToUtf8Length(chunk.Length));
            Base64.EncodeToUtf8(chunk, target, out _, out var written, isFinalBlock: offset + chunk.Length == image.Image.Length);
            writer.Advance(written);
            if (offset % (Block * 8) == 0)
                await writer.FlushAsync(httpContext.RequestAborted);
        }
        writer.Write(suffix);
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
