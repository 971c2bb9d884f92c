using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bytebot.Tests.Integration.Desktop;

internal sealed record DesktopProcess(int Pid, string Command, IReadOnlyList<string> Arguments, ulong StartTicks);

/// <summary>
/// The processes of a data dir's desktop, found the way an operator would find them, from /proc and independently of
/// the host's own record: the ones carrying the data dir's marker and the programs whose DISPLAY is its display.
/// </summary>
internal static class DesktopWitness
{
    public static List<DesktopProcess> Marked(string dataDir) => Scan($"BYTEBOT_DESKTOP_DATA_DIR={dataDir}");

    public static List<DesktopProcess> OnDisplay(string display) => Scan($"DISPLAY={display}");

    /// <summary>
    /// Everything of the desktop: marked, or on its display and started before another host's X server took that
    /// display number. Once a desktop is stopped its number is free, and a host of another test (or of another
    /// engineer) may start a whole desktop on it at once; those processes are not this desktop's leftovers, and
    /// must never be killed as such.
    /// </summary>
    public static List<DesktopProcess> All(string dataDir, string display)
    {
        var foreignSince = ForeignServerStart(dataDir, display);
        return [.. Marked(dataDir)
            .Concat(OnDisplay(display).Where(p => foreignSince is not { } since || p.StartTicks < since))
            .DistinctBy(p => p.Pid)];
    }

    /// <summary>True when a live X server of this data dir still serves the display, or its socket was left.</summary>
    public static bool SocketLeft(string dataDir, string display) =>
        ForeignServerStart(dataDir, display) is null && File.Exists($"/tmp/.X11-unix/X{display[1..]}");

    /// <summary>When the X server now holding the display started, if it is not of this data dir.</summary>
    private static ulong? ForeignServerStart(string dataDir, string display)
    {
        try
        {
            var owner = int.Parse(File.ReadAllText($"/tmp/.X{display[1..]}-lock").Trim(), CultureInfo.InvariantCulture);
            return LinuxProcesses.IsAlive(owner) && !Marked(dataDir).Any(p => p.Pid == owner)
                ? Bytebot.Platform.Os.LinuxProcess.StartTicks(owner)
                : null;
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return null;
        }
    }

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

    /// <summary>The environment of a process named <paramref name="command"/> on the display, if one runs.</summary>
    public static Dictionary<string, string>? EnvironmentOf(string command, string display)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (!int.TryParse(Path.GetFileName(dir), out _)
                    || File.ReadAllText(Path.Combine(dir, "comm")).Trim() != command)
                    continue;
                var environment = new Dictionary<string, string>();
                var variables = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0');
                foreach (var pair in variables.Select(e => e.Split('=', 2)))
                {
                    if (pair.Length == 2)
                        environment[pair[0]] = pair[1];
                }
                if (environment.GetValueOrDefault("DISPLAY") == display)
                    return environment;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return null;
    }

    /// <summary>Runs a program with only <paramref name="environment"/> (and PATH); answers its output.</summary>
    public static async Task<string> RunWithAsync(
        Dictionary<string, string> environment, string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, UseShellExecute = false };
        info.Environment.Clear();
        info.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return output.Trim();
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
                found.Add(new DesktopProcess(pid, LinuxProcesses.CommandName(pid), arguments,
                    Bytebot.Platform.Os.LinuxProcess.StartTicks(pid) ?? 0));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or another user's.
            }
        }
        return found;
    }
}
