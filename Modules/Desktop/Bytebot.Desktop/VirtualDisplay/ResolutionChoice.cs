using System.Text.Json;
using Bytebot.Desktop.Contracts;
using Bytebot.Platform;

namespace Bytebot.Desktop.VirtualDisplay;

/// <summary>
/// The resolution last chosen at runtime, kept in the data dir so that the next start of a managed desktop uses it,
/// as long as <c>Desktop:Width</c>/<c>Height</c> are still what they were when it was chosen: a changed
/// configuration wins over an old choice.
/// </summary>
internal sealed record ResolutionChoice(int Width, int Height, int ConfiguredWidth, int ConfiguredHeight)
{
    public const string FileName = "desktop-resolution.json";

    public static void Apply(DesktopOptions options, DataDirectory dataDirectory)
    {
        options.Configured = new ScreenResolution(options.Width, options.Height);
        if (options.Mode != DesktopMode.Managed)
            return;
        if (Read(dataDirectory.Combine(FileName)) is { } choice
            && (choice.ConfiguredWidth, choice.ConfiguredHeight) == (options.Width, options.Height)
            && ScreenResolution.Choices.Contains(new ScreenResolution(choice.Width, choice.Height)))
        {
            options.Width = choice.Width;
            options.Height = choice.Height;
        }
    }

    public static void Save(string dataDirectory, DesktopOptions options, ScreenResolution size)
    {
        var configured = options.Configured ?? new ScreenResolution(options.Width, options.Height);
        var path = Path.Combine(dataDirectory, FileName);
        var staging = path + ".new";
        File.WriteAllBytes(staging, JsonSerializer.SerializeToUtf8Bytes(
            new ResolutionChoice(size.Width, size.Height, configured.Width, configured.Height)));
        File.Move(staging, path, overwrite: true);
    }

    private static ResolutionChoice? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ResolutionChoice>(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }
}
