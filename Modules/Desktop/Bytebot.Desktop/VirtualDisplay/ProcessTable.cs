using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bytebot.Desktop.X11;
using Bytebot.Platform.Os;
using Microsoft.Extensions.Logging;

namespace Bytebot.Desktop.VirtualDisplay;

/// <summary>Live processes found by what their environment carries, and stopped by PID, never by name.</summary>
internal static class ProcessTable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    /// <summary>
    /// <c>NAME=value</c> as it sits in <c>/proc/{pid}/environ</c>, with the separators on both sides, so that
    /// <c>DISPLAY=:1</c> matches neither <c>DISPLAY=:10</c> nor <c>XDISPLAY=:1</c>.
    /// </summary>
    public static byte[] Entry(string name, string value) => Encoding.UTF8.GetBytes($"\0{name}={value}\0");

    /// <summary>Live processes but this one whose environment holds any of <paramref name="entries"/>.</summary>
    public static List<int> Carrying(IReadOnlyCollection<byte[]> entries, Func<int, bool>? also = null)
    {
        List<int> found = [];
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || pid == Environment.ProcessId
                || EnvironmentOf(pid) is not { } environment
                || !entries.Any(entry => Holds(environment, entry)))
                continue;
            if (LinuxProcess.IsRunning(pid) && (also is null || also(pid)))
                found.Add(pid);
        }
        return found;
    }

    /// <summary>
    /// SIGTERM to every member (and to each one found later), up to 3 s for them to go, then SIGKILL to whatever is
    /// left. Returns how many got SIGTERM.
    /// </summary>
    public static async Task<int> StopAsync(string name, int pid, Func<IReadOnlyList<int>> members, ILogger logger)
    {
        if (await GoneAsync(members).ConfigureAwait(false))
            return 0;
        HashSet<int> signalled = [];
        var count = SignalNew(members(), signalled);
        var deadline = Stopwatch.StartNew();
        while (!await GoneAsync(members).ConfigureAwait(false) && deadline.Elapsed < Grace)
        {
            // A member forked after the first signal (a session starting up as it is stopped) gets its own.
            count += SignalNew(members(), signalled);
            await Task.Delay(50).ConfigureAwait(false);
        }
        if (members() is { Count: > 0 } stubborn)
        {
            var names = string.Join(", ", stubborn.Select(p => $"{p} {LinuxProcess.Stat(p)?.Command ?? "?"}"));
            DesktopLog.ChildKilled(logger, name, pid, names);
            // A member may fork between listing and signalling; a few rounds catch its children too.
            for (var round = 0; round < 10 && Signal(members(), LibC.SigKill); round++)
                await Task.Delay(50).ConfigureAwait(false);
        }
        return count;
    }

    private static int SignalNew(IReadOnlyList<int> pids, HashSet<int> signalled)
    {
        var fresh = pids.Where(signalled.Add).ToList();
        Signal(fresh, LibC.SigTerm);
        return fresh.Count;
    }

    /// <remarks>
    /// Gone means no member on two looks 100 ms apart: a process forked a moment ago may not show a readable
    /// environment yet. With one look, a clean stop once left an ssh-agent of the session running (1 run in 6).
    /// </remarks>
    private static async Task<bool> GoneAsync(Func<IReadOnlyList<int>> members)
    {
        if (members().Count > 0)
            return false;
        await Task.Delay(100).ConfigureAwait(false);
        return members().Count == 0;
    }

    private static bool Signal(IReadOnlyList<int> pids, int signal)
    {
        foreach (var pid in pids)
            _ = LibC.Kill(pid, signal);
        return pids.Count > 0;
    }

    private static bool Holds(byte[] environment, byte[] entry) =>
        environment.AsSpan().StartsWith(entry.AsSpan(1)) || environment.AsSpan().IndexOf(entry) >= 0;

    private static byte[]? EnvironmentOf(int pid)
    {
        try
        {
            return File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
