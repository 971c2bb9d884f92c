using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bytebot.Tests.Integration.Desktop;

internal sealed record DesktopProcess(int Pid, string Command, IReadOnlyList<string> Arguments);

/// <summary>
/// The processes of a data dir's desktop, found the way an operator would find them, from /proc and independently of
/// the host's own record: the ones carrying the data dir's marker and the programs whose DISPLAY is its display.
/// </summary>
internal static class DesktopWitness
{
    public static List<DesktopProcess> Marked(string dataDir) => Scan($"BYTEBOT_DESKTOP_DATA_DIR={dataDir}");

    public static List<DesktopProcess> OnDisplay(string display) => Scan($"DISPLAY={display}");

    /// <summary>Everything of the desktop: marked or on its display.</summary>
    public static List<DesktopProcess> All(string dataDir, string display) =>
        [.. Marked(dataDir).Concat(OnDisplay(display)).DistinctBy(p => p.Pid)];

    public static DesktopProcess Xvfb(string dataDir) => Marked(dataDir).Single(p => p.Command == "Xvfb");

    public static string DisplayOf(string dataDir) => Xvfb(dataDir).Arguments[1];

    public static int VncPortOf(string dataDir)
    {
        var arguments = Marked(dataDir).Single(p => p.Command == "x11vnc").Arguments;
        return int.Parse(arguments[arguments.ToList().IndexOf("-rfbport") + 1], CultureInfo.InvariantCulture);
    }

    /// <summary>Pid, name, parent, start time and the environment that made it one of the desktop's.</summary>
    public static string Describe(DesktopProcess process)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{process.Pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var environment = File.ReadAllText($"/proc/{process.Pid}/environ").Split('\0')
                .Where(e => e.StartsWith("BYTEBOT_DESKTOP", StringComparison.Ordinal)
                    || e.StartsWith("DISPLAY=", StringComparison.Ordinal));
            return $"{process.Pid} {process.Command} (ppid {fields[1]}, started {fields[19]}): "
                + $"{string.Join(' ', process.Arguments)} [{string.Join(' ', environment)}]";
        }
        catch (IOException)
        {
            return $"{process.Pid} {process.Command} (gone)";
        }
    }

    public static async Task<string> WindowsAsync(string display) =>
        await LinuxProcesses.RunAsync("xwininfo", "-display", display, "-root", "-tree");

    /// <summary>The first bytes a VNC server sends.</summary>
    public static async Task<string> VncBannerAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), limit.Token);
        var banner = new byte[12];
        var count = 0;
        int read;
        while (count < banner.Length && (read = await socket.ReceiveAsync(banner.AsMemory(count), limit.Token)) > 0)
            count += read;
        return Encoding.ASCII.GetString(banner, 0, count);
    }

    /// <summary>SIGKILL by PID to whatever a failed test left, so no test leaks a desktop; returns how many.</summary>
    public static int KillAll(string dataDir, string? display)
    {
        var left = display is null ? Marked(dataDir) : All(dataDir, display);
        foreach (var process in left)
            _ = Bytebot.Desktop.X11.LibC.Kill(process.Pid, Bytebot.Desktop.X11.LibC.SigKill);
        return left.Count;
    }

    public static async Task WaitForAsync(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Gave up waiting for {what}.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static List<DesktopProcess> Scan(string entry)
    {
        List<DesktopProcess> found = [];
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || pid == Environment.ProcessId || !LinuxProcesses.IsAlive(pid))
                continue;
            try
            {
                if (!File.ReadAllText($"{dir}/environ").Split('\0').Contains(entry))
                    continue;
                var arguments = File.ReadAllText($"{dir}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
                found.Add(new DesktopProcess(pid, LinuxProcesses.CommandName(pid), arguments));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or another user's.
            }
        }
        return found;
    }
}
