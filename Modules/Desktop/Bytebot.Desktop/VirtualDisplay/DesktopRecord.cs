using System.Text.Json;

namespace Bytebot.Desktop.VirtualDisplay;

internal sealed record RecordedProcess(string Name, int Pid, ulong StartTicks, string Marker);

/// <summary>
/// What a host keeps in its data dir about the desktop it runs, so that the next host of that data dir finds the
/// desktop after a crash: to adopt it, or to stop every process of it.
/// </summary>
internal sealed record DesktopRecord(
    int HostPid,
    ulong HostStartTicks,
    string Display,
    int Width,
    int Height,
    int VncPort,
    IReadOnlyList<RecordedProcess> Processes)
{
    public const string FileName = "desktop.json";

    public RecordedProcess? Find(string name) => Processes.FirstOrDefault(p => p.Name == name);

    /// <summary>
    /// The record; null when there is none or it is unreadable (the marker sweep still finds the processes).
    /// </summary>
    public static DesktopRecord? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<DesktopRecord>(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Written beside, renamed over the old one: a kill mid-write leaves the old record or the new.</summary>
    public void Write(string path)
    {
        var staging = path + ".new";
        using (var stream = new FileStream(staging, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, this);
            stream.Flush(flushToDisk: true);
        }
        File.Move(staging, path, overwrite: true);
    }
}
