namespace Bytebot.Desktop.Features.Files;

/// <summary>Bytebot's read_file MIME map (bytebot-api.md §1.9), kept as is so existing clients see the same types.</summary>
internal static class MediaTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".pdf"] = "application/pdf",
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".doc"] = "application/msword",
        [".txt"] = "text/plain",
        [".html"] = "text/html",
        [".json"] = "application/json",
        [".xml"] = "text/xml",
        [".csv"] = "text/csv",
        [".rtf"] = "application/rtf",
        [".odt"] = "application/vnd.oasis.opendocument.text",
        [".epub"] = "application/epub+zip",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".webp"] = "image/webp",
        [".gif"] = "image/gif",
        [".svg"] = "image/svg+xml",
    };

    public static string ForFileName(string name) =>
        ByExtension.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
}
