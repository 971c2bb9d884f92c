using System.Globalization;
using Bytebot.Desktop.Health;
using Bytebot.Desktop.X11;
using Bytebot.Platform.Os;
using Microsoft.Extensions.Logging;

namespace Bytebot.Desktop.VirtualDisplay;

/// <summary>
/// The desktop a killed host of the same data dir left behind: whether it can be taken over as it is, and how to
/// stop every process of it when it cannot.
/// </summary>
internal static class DesktopAdoption
{
    public const string Xvfb = "Xvfb";
    public const string Session = "session";
    public const string Vnc = "x11vnc";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>True while the host that wrote the record runs (a second host on one data dir): hands off.</summary>
    public static bool OwnerAlive(DesktopRecord record) =>
        record.HostPid != Environment.ProcessId
        && ChildProcess.IsSame(new RecordedProcess("host", record.HostPid, record.HostStartTicks, ""));

    /// <summary>Null when the recorded desktop is whole and as configured; otherwise why it is not adopted.</summary>
    public static async Task<string?> WhyNotAsync(DesktopRecord record, DesktopOptions options, CancellationToken token)
    {
        if (options.DisplayNumber != 0 && record.Display != Name(options.DisplayNumber))
            return $"it runs on {record.Display}, Desktop:DisplayNumber asks for {Name(options.DisplayNumber)}";
        if (record.Find(Xvfb) is not { } xvfb || !ChildProcess.IsSame(xvfb))
            return $"its X server on {record.Display} is gone";
        if (DisplayAddress.LockOwner(record.Display) is var owner && owner != xvfb.Pid)
            return $"{record.Display} is locked by pid {owner}, not its Xvfb {xvfb.Pid}";
        if (await DisplayAddress.Parse(record.Display).ProbeAsync(ProbeTimeout, token).ConfigureAwait(false) is { } x)
            return x;
        var size = await ScreenSizeAsync(record.Display).ConfigureAwait(false);
        if (size != (options.Width, options.Height))
            return size is var (width, height)
                ? $"its screen is {width}x{height}, Desktop:Width/Height ask for {options.Width}x{options.Height}"
                : $"{record.Display} did not tell its screen size within {ProbeTimeout.TotalSeconds:0} s";
        var vnc = record.Find(Vnc);
        if (!options.Vnc)
            return vnc is null ? null : "it serves VNC and Desktop:Vnc is false";
        if (vnc is null || !ChildProcess.IsSame(vnc))
            return "its x11vnc is gone";
        if (options.VncPort != 0 && options.VncPort != record.VncPort)
            return $"its VNC port is {record.VncPort}, Desktop:VncPort asks for {options.VncPort}";
        return await VncHealthCheck.ProblemAsync(record.VncPort, token).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops what a previous host of <paramref name="dataDirectory"/> left: every process carrying the data dir's
    /// marker or a recorded child's, and the programs on its display that carry neither (the apps the agent
    /// launched). Returns how many there were.
    /// </summary>
    public static Task<int> StopLeftAsync(DesktopRecord? record, string dataDirectory, ILogger logger)
    {
        List<byte[]> entries = [ProcessTable.Entry(ChildProcess.DataDirVariable, dataDirectory)];
        foreach (var process in record?.Processes ?? [])
            entries.Add(ProcessTable.Entry(ChildProcess.MarkerVariable, process.Marker));
        var xvfb = record?.Find(Xvfb);
        return ProcessTable.StopAsync("the desktop a previous host left", xvfb?.Pid ?? 0, Members, logger);

        IReadOnlyList<int> Members() =>
        [
            .. ProcessTable.Carrying(entries)
                .Union(xvfb is null ? [] : ClientsOf(record!.Display, xvfb))
        ];
    }

    /// <summary>
    /// Programs that were started for <paramref name="display"/> while <paramref name="xvfb"/> served it: DISPLAY
    /// names it and they started after that Xvfb (and before any X server that has taken the number since).
    /// These are the apps launched on the desktop, which carry no marker of ours. Excludes the Xvfb itself.
    /// </summary>
    public static IReadOnlyList<int> ClientsOf(string display, RecordedProcess xvfb)
    {
        var until = DisplayAddress.LockOwner(display) is { } owner && owner != xvfb.Pid
            ? LinuxProcess.StartTicks(owner) ?? ulong.MaxValue
            : ulong.MaxValue;
        var xvfbEntry = ProcessTable.Entry(ChildProcess.MarkerVariable, xvfb.Marker);
        var xvfbMembers = ProcessTable.Carrying([xvfbEntry]).ToHashSet();
        return ProcessTable.Carrying(
            [ProcessTable.Entry("DISPLAY", display), ProcessTable.Entry("DISPLAY", display + ".0")],
            pid => !xvfbMembers.Contains(pid) && pid != xvfb.Pid
                && LinuxProcess.StartTicks(pid) is { } started && started >= xvfb.StartTicks && started < until);
    }

    private static string Name(int number) => ":" + number.ToString(CultureInfo.InvariantCulture);

    /// <summary>The size the X server announces when a client connects; null when it does not answer in time.</summary>
    private static async Task<(int Width, int Height)?> ScreenSizeAsync(string display)
    {
        var measure = Task.Run<(int, int)?>(() =>
        {
            XErrors.InstallProcessHandlers();
            var connection = Xlib.XOpenDisplay(display);
            if (connection == 0)
                return null;
            // Without its own exit handler, an X server that dies during the probe makes Xlib exit() the host.
            XErrors.Watch(connection);
            try
            {
                var screen = Xlib.XDefaultScreen(connection);
                return (Xlib.XDisplayWidth(connection, screen), Xlib.XDisplayHeight(connection, screen));
            }
            finally
            {
                Xlib.XCloseDisplay(connection);
            }
        });
        try
        {
            return await measure.WaitAsync(ProbeTimeout * 2).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
