using System.Globalization;
using Bytebot.Files.Contracts;
using Microsoft.Extensions.Configuration;

namespace Bytebot.Files;

/// <summary>
/// <c>Files:MaxUploadFiles</c>, <c>Files:MaxUploadBytes</c>, <c>Files:BlobRetention</c>,
/// <c>Files:BlobCollectionInterval</c>. The workspace is the desktop's: Platform's <c>ConfinedWorkspace</c> reads its root.
/// </summary>
internal sealed record FilesOptions(UploadLimits Limits, TimeSpan BlobRetention, TimeSpan BlobCollectionInterval)
{
    public static FilesOptions FromConfiguration(IConfiguration configuration) => new(
        new UploadLimits(configuration.GetValue("Files:MaxUploadFiles", 5), configuration.GetValue("Files:MaxUploadBytes", 30L * 1024 * 1024)),
        Span(configuration["Files:BlobRetention"], TimeSpan.FromDays(7)),
        Span(configuration["Files:BlobCollectionInterval"], TimeSpan.FromHours(1)));

    private static TimeSpan Span(string? value, TimeSpan fallback) =>
        TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed) ? parsed : fallback;
}
