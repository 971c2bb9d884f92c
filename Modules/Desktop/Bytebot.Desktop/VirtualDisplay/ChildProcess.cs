using System.Diagnostics;
using Bytebot.Desktop.X11;
using Bytebot.Platform.Os;
using Microsoft.Extensions.Logging;

namespace Bytebot.Desktop.VirtualDisplay;

/// <summary>
/// One desktop process with everything it starts in turn, stopped by PID and never by name: either one we started,
/// or one a crashed host of the same data dir started and we adopted. Descendants inherit a marker variable, which
/// is how we find exactly the processes it is responsible for, whoever their parent is now.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    public const string MarkerVariable = "BYTEBOT_DESKTOP_CHILD";

    /// <summary>Carried by every desktop process of a data dir: a later host finds what an earlier one left.</summary>
    public const string DataDirVariable = "BYTEBOT_DESKTOP_DATA_DIR";

    public const string LogFileName = "desktop.log";

    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan AdoptedPoll = TimeSpan.FromMilliseconds(200);
    private static readonly string[] ShellPrefix =
        ["sh", "-c", "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1", "sh"];

    private readonly Process? _process;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private readonly byte[] _markerEntry;
    private readonly int _pidfd = -1;
    private readonly CancellationTokenSource? _watching;
    private readonly Task _watch = Task.CompletedTask;

    private ChildProcess(string name, string marker, Process? process, ILogger logger)
    {
        Name = name;
        Marker = marker;
        _process = process;
        _markerEntry = ProcessTable.Entry(MarkerVariable, marker);
        _logger = logger;
    }

    private ChildProcess(RecordedProcess recorded, int pidfd, ILogger logger)
        : this(recorded.Name, recorded.Marker, null, logger)
    {
        Pid = recorded.Pid;
        StartTicks = recorded.StartTicks;
        _pidfd = pidfd;
        _watching = new CancellationTokenSource();
        _watch = WatchAsync(_watching.Token);
    }

    public string Name { get; }
    public string Marker { get; }
    public int Pid { get; private set; }
    public ulong StartTicks { get; private set; }

    /// <summary>Not our child: its exit is seen by polling, and its exit code is unknown.</summary>
    public bool Adopted => _process is null;

    /// <remarks>Completes when the process itself exits, even while its descendants live on.</remarks>
    public Task Exited => _exited.Task;

    public bool IsRunning => !_exited.Task.IsCompleted;

    public int? ExitCode => IsRunning ? null : _process?.ExitCode;

    public RecordedProcess Record => new(Name, Pid, StartTicks, Marker);

    /// <summary>
    /// Starts a program that writes to <see cref="LogFileName"/> in the data dir whose marker it carries.
    /// </summary>
    public static ChildProcess Start(
        string name, IReadOnlyList<string> command, string? display, string dataDirectory, ILogger logger)
    {
        // setsid: a Ctrl+C in the host's terminal reaches the host's process group only, so the host stops the
        // desktop in order instead of the terminal killing Xvfb and x11vnc under it. setsid and sh exec in place
        // (the runtime's child is no group leader), so the PID we hold is the program's own.
        // The output goes to a file, not to pipes the host reads: once a host is killed, a pipe without a reader
        // kills with SIGPIPE whichever GTK program of the session logs its next warning, so the desktop could not
        // be adopted whole.
        var log = Path.Combine(dataDirectory, LogFileName);
        var info = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var argument in ShellPrefix)
            info.ArgumentList.Add(argument);
        info.ArgumentList.Add(log);
        foreach (var argument in command)
            info.ArgumentList.Add(argument);
        if (display is not null)
            info.Environment["DISPLAY"] = display;
        var marker = Guid.NewGuid().ToString("N");
        info.Environment[MarkerVariable] = marker;
        info.Environment[DataDirVariable] = dataDirectory;
        SessionDefaults.Apply(info.Environment, dataDirectory);

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, marker, process, logger);
        process.Exited += (_, _) => child._exited.TrySetResult();
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }
        child.Pid = process.Id;
        child.StartTicks = LinuxProcess.StartTicks(child.Pid) ?? 0;
        var commandLine = string.Join(' ', command);
        DesktopLog.ChildStarted(logger, name, child.Pid, commandLine, log);
        return child;
    }

    /// <summary>
    /// The recorded process, if it still runs: the same pid with the same start time, so a pid reused by an
    /// unrelated program is never taken for it.
    /// </summary>
    public static ChildProcess? Adopt(RecordedProcess recorded, ILogger logger)
    {
        if (!IsSame(recorded))
            return null;
        var pidfd = LibC.PidfdOpen(recorded.Pid);
        // Checked again once the descriptor is open: it names whichever process had the pid at that moment.
        if (!IsSame(recorded))
        {
            if (pidfd >= 0)
                _ = LibC.Close(pidfd);
            return null;
        }
        return new ChildProcess(recorded, pidfd, logger);
    }

    public static bool IsSame(RecordedProcess recorded) =>
        LinuxProcess.StartTicks(recorded.Pid) == recorded.StartTicks && LinuxProcess.IsRunning(recorded.Pid);

    /// <summary>
    /// Live processes this child is responsible for: itself and every descendant, found by the marker in their
    /// environment. Session ids are not enough: xfce4-session starts ssh-agent and gpg-agent, which setsid away.
    /// </summary>
    /// <remarks>
    /// Its own pid counts even when its environment shows no marker: just started, it may be between the execs of
    /// setsid, sh and the program, when <c>/proc/{pid}/environ</c> reads empty. Our child's pid cannot be reused
    /// before the runtime reaps it, which is when it stops running for us; an adopted one's is checked by its start
    /// time.
    /// </remarks>
    public IReadOnlyList<int> Members()
    {
        var members = ProcessTable.Carrying([_markerEntry]);
        if (IsRunning && !members.Contains(Pid) && (_process is not null || IsSame(Record)))
            members.Add(Pid);
        return members;
    }

    public async Task StopAsync()
    {
        await ProcessTable.StopAsync(Name, Pid, Members, _logger).ConfigureAwait(false);
        // Exited fires once the runtime has reaped our child; waiting keeps its PID from being reused under us.
        await Task.WhenAny(_exited.Task, Task.Delay(Grace)).ConfigureAwait(false);
    }

    public void Kill()
    {
        if (IsRunning)
            _ = LibC.Kill(Pid, LibC.SigKill);
    }

    private async Task WatchAsync(CancellationToken token)
    {
        try
        {
            while (StillRunning())
                await Task.Delay(AdoptedPoll, token).ConfigureAwait(false);
            _exited.TrySetResult();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private unsafe bool StillRunning()
    {
        if (_pidfd < 0)
            return IsSame(Record);
        var poll = new LibC.PollFd { Fd = _pidfd, Events = LibC.PollIn };
        return LibC.Poll(&poll, 1, 0) <= 0 || (poll.Revents & LibC.PollIn) == 0;
    }

    public void Dispose()
    {
        _process?.Dispose();
        if (_watching is null)
            return;
        _watching.Cancel();
        // The descriptor is closed only once the watch no longer polls it: its number could name another file.
        _watch.Wait(TimeSpan.FromSeconds(1));
        _watching.Dispose();
        if (_pidfd >= 0)
            _ = LibC.Close(_pidfd);
    }
}
