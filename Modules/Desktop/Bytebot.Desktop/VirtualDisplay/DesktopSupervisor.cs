using System.ComponentModel;
using System.Globalization;
using System.Diagnostics;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.X11;
using Bytebot.Platform;
using Bytebot.Platform.Os;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bytebot.Desktop.VirtualDisplay;

/// <summary>
/// Starts and supervises the desktop's processes: in Managed mode Xvfb, the session and x11vnc; in External mode
/// only x11vnc. It starts them without blocking host start-up; the health checks report when they are ready.
/// A Managed desktop that a killed host of the same data dir left is adopted when it is whole and as configured,
/// and stopped process by process when it is not (ADR 0015).
/// </summary>
internal sealed class DesktopSupervisor : IHostedLifecycleService, IDesktopEnvironment, IAsyncDisposable
{
    private static readonly TimeSpan XvfbReadyTimeout = TimeSpan.FromSeconds(10);

    // Xvfb resizes at runtime only within the screen it was started with (ADR 0040): it starts with room for
    // every offered resolution and is set to the chosen one before the session starts.
    private static readonly int RoomWidth = ScreenResolution.Choices.Max(r => r.Width);
    private static readonly int RoomHeight = ScreenResolution.Choices.Max(r => r.Height);

    private readonly DesktopOptions _options;
    private readonly string _dataDirectory;
    private readonly string _recordPath;
    private readonly TimeProvider _time;
    private readonly ILogger<DesktopSupervisor> _logger;
    private readonly bool _displayPicked;
    private readonly CancellationTokenSource _stopping = new();
    private Task _supervision = Task.CompletedTask;
    private volatile ChildProcess? _xvfb;
    private volatile ChildProcess? _session;
    private volatile ChildProcess? _vnc;
    private volatile string _display;
    private volatile int _vncPort;
    private volatile ScreenResolution _size;
    private volatile bool _sized;
    private DesktopRecord? _left;
    private ChildProcess? _adoptedSession;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _missing = new(StringComparer.Ordinal);
    private ChildProcess? _adoptedVnc;
    private bool _owner;
    private readonly Lock _recordLock = new();
    private readonly Lock _lifecycle = new();
    private bool _stopRequested;
    private Task _starting = Task.CompletedTask;
    private Task? _shutdown;
    private bool _everReady;

    public DesktopSupervisor(
        IOptions<DesktopOptions> options,
        DataDirectory dataDirectory,
        TimeProvider time,
        ILogger<DesktopSupervisor> logger)
    {
        _options = options.Value;
        _dataDirectory = dataDirectory.Path;
        _recordPath = dataDirectory.Combine(DesktopRecord.FileName);
        _time = time;
        _logger = logger;
        IsManaged = _options.Mode == DesktopMode.Managed;
        _displayPicked = IsManaged && _options.DisplayNumber == 0;
        _display = IsManaged
            ? ":" + (_displayPicked ? DisplayAddress.FirstFree() : _options.DisplayNumber)
                .ToString(CultureInfo.InvariantCulture)
            : _options.ExternalDisplay!;
        _vncPort = !_options.Vnc ? 0 : _options.VncPort != 0 ? _options.VncPort : LoopbackPort.Free();
        _size = new ScreenResolution(_options.Width, _options.Height);
    }

    public string Display => _display;
    public int Width => _size.Width;
    public int Height => _size.Height;
    public event EventHandler<ScreenResolution>? Resized;
    public int VncPort => _vncPort;
    public bool IsManaged { get; }

    public DisplayAddress Address => DisplayAddress.Parse(_display);

    /// <summary>The display once its screen has the chosen size; null while a fresh Xvfb is still being sized.</summary>
    internal string? SizedDisplay => !IsManaged || _sized ? _display : null;

    /// <summary>True in External mode; in Managed mode, whether our Xvfb is running.</summary>
    public bool XServerRunning => !IsManaged || _xvfb?.IsRunning == true;

    /// <summary>Why a desktop program cannot start, one sentence per program that is not installed.</summary>
    public IReadOnlyCollection<string> MissingPrograms => [.. _missing.Values];

    internal ChildProcess? Xvfb => _xvfb;
    internal ChildProcess? Session => _session;
    internal ChildProcess? Vnc => _vnc;

    /// <summary>True when this host took over the desktop a killed host left.</summary>
    internal bool Adopted { get; private set; }

    /// <remarks>
    /// Adoption is decided here, before any module reads <see cref="Display"/> or <see cref="VncPort"/>: it reads
    /// one file and probes loopback sockets (335 ms measured on a loaded 2-core machine, x11vnc's banner being the
    /// slowest). Stopping a desktop that is not adopted takes up to 3 s and happens in the background, before the
    /// new one starts.
    /// </remarks>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // Under the lock the stop takes, so that the stop sees this start and waits for it.
        lock (_lifecycle)
            return _starting = _stopRequested
                ? Task.CompletedTask
                : Task.Run(() => StartSupervisionAsync(cancellationToken), CancellationToken.None);
    }

    private async Task StartSupervisionAsync(CancellationToken cancellationToken)
    {
        var stopping = _stopping.Token;
        var xvfb = await AdoptAsync(cancellationToken).ConfigureAwait(false);
        // A fresh desktop starts a fresh log; an adopted one goes on writing where its processes write.
        if (xvfb is null && _owner)
            await File.WriteAllTextAsync(Path.Combine(_dataDirectory, ChildProcess.LogFileName), "", cancellationToken)
                .ConfigureAwait(false);
        _supervision = IsManaged
            ? Task.Run(() => SuperviseXvfbAsync(xvfb, stopping), CancellationToken.None)
            : Task.Run(() => SuperviseVncAsync(null, stopping), CancellationToken.None);
    }

    private async Task<ChildProcess?> AdoptAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var record = DesktopRecord.Read(_recordPath);
        if (record is not null && DesktopAdoption.OwnerAlive(record))
        {
            // Two hosts on one data dir: the other one's desktop is not ours to adopt, stop, or record over.
            DesktopLog.DesktopOfLiveHost(_logger, record.Display, record.HostPid, _recordPath);
            return null;
        }
        _owner = true;
        _left = record;
        if (record is null || !IsManaged)
            return null;
        if (await DesktopAdoption.WhyNotAsync(record, _options, cancellationToken).ConfigureAwait(false) is { } reason)
        {
            DesktopLog.DesktopNotAdopted(_logger, record.Display, reason);
            return null;
        }
        var xvfb = record.Find(DesktopAdoption.Xvfb) is { } x ? ChildProcess.Adopt(x, _logger) : null;
        if (xvfb is null)
            return null;
        _left = null;
        _adoptedSession = record.Find(DesktopAdoption.Session) is { } s ? ChildProcess.Adopt(s, _logger) : null;
        _adoptedVnc = record.Find(DesktopAdoption.Vnc) is { } v ? ChildProcess.Adopt(v, _logger) : null;
        _display = record.Display;
        _vncPort = record.VncPort;
        _everReady = true;
        Adopted = true;
        var processes = string.Join(", ",
            new[] { xvfb, _adoptedSession, _adoptedVnc }.OfType<ChildProcess>().Select(c => $"{c.Name} {c.Pid}"));
        DesktopLog.DesktopAdopted(
            _logger, _display, _vncPort, record.HostPid, processes, clock.Elapsed.TotalMilliseconds);
        return xvfb;
    }

    /// <summary>Whatever a killed host left that was not adopted goes before anything new starts.</summary>
    private async Task StopLeftAsync()
    {
        var left = _left;
        _left = null;
        if (!_owner)
            return;
        var stopped = await DesktopAdoption.StopLeftAsync(left, _dataDirectory, _logger).ConfigureAwait(false);
        if (left is not null)
            File.Delete(_recordPath);
        if (stopped > 0)
            DesktopLog.LeftProcessesStopped(_logger, stopped, left?.Display ?? "?", _dataDirectory);
        if (left is not null && _displayPicked && stopped > 0)
            _display = ":" + DisplayAddress.FirstFree().ToString(CultureInfo.InvariantCulture);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <remarks>Last of the stop phases, so other modules can still use the display while they stop.</remarks>
    public Task StoppedAsync(CancellationToken cancellationToken) => ShutdownAsync();

    private async Task SuperviseXvfbAsync(ChildProcess? adopted, CancellationToken stopping)
    {
        if (adopted is null)
            await StopLeftAsync().ConfigureAwait(false);
        await SuperviseAsync(
            DesktopAdoption.Xvfb,
            // No abstract socket ("local"): the network namespace shares those (a container on the host's network),
            // and clients try them first, so an app of ours could open its window on another host's display of the
            // same number while our driver, which uses the socket file, typed into ours.
            // -noreset: when its last client disconnected, Xvfb would reset to the start size.
            () => ["Xvfb", _display, "-screen", "0", $"{StartWidth}x{StartHeight}x24", "-noreset",
                "-nolisten", "tcp", "-nolisten", "local"],
            adopted,
            child =>
            {
                _sized = child.Adopted;
                Publish(() => _xvfb = child);
            },
            RunDesktopAsync,
            stopping).ConfigureAwait(false);
    }

    private async Task SuperviseVncAsync(ChildProcess? adopted, CancellationToken token)
    {
        if (!IsManaged)
            await StopLeftAsync().ConfigureAwait(false);
        if (_options.Vnc)
            await SuperviseAsync(
                DesktopAdoption.Vnc,
                // -xrandr: a resized screen becomes a new framebuffer size for the viewers, instead of a stale one.
                () => ["x11vnc", "-display", _display, "-rfbport", VncPort.ToString(CultureInfo.InvariantCulture),
                    "-localhost", "-nopw", "-forever", "-shared", "-quiet", "-xrandr", "resize"],
                adopted,
                child => Publish(() => _vnc = child),
                UntilExitAsync,
                token).ConfigureAwait(false);
    }

    /// <summary>Sets the child and records the desktop as it now is, for the host that comes after a crash.</summary>
    private void Publish(Action set)
    {
        lock (_recordLock)
        {
            set();
            if (!_owner || !IsManaged)
                return;
            RecordedProcess[] processes =
                [.. new[] { _xvfb, _session, _vnc }.OfType<ChildProcess>().Select(c => c.Record)];
            new DesktopRecord(Environment.ProcessId, LinuxProcess.StartTicks(Environment.ProcessId) ?? 0,
                _display, Width, Height, VncPort, processes).Write(_recordPath);
        }
    }

    private async Task RunDesktopAsync(ChildProcess xvfb, CancellationToken stopping)
    {
        // Adopted with the first Xvfb and only with it: a later generation starts its own.
        var session = Interlocked.Exchange(ref _adoptedSession, null);
        var vnc = Interlocked.Exchange(ref _adoptedVnc, null);
        if (await WaitUntilAcceptingAsync(xvfb, stopping).ConfigureAwait(false)
            && (xvfb.Adopted || await SizeNewScreenAsync(xvfb).ConfigureAwait(false)))
        {
            _everReady = true;
            if (!xvfb.Adopted)
                DesktopLog.DisplayReady(_logger, _display, Width, Height, _options.Mode, VncPort);
            await RunDependentsAsync(xvfb, session, vnc, stopping).ConfigureAwait(false);
            return;
        }
        // A stop that came before the adopted desktop was supervised: what was adopted with it goes with it.
        foreach (var adopted in new[] { session, vnc }.OfType<ChildProcess>())
        {
            using (adopted)
                await adopted.StopAsync().ConfigureAwait(false);
        }
        await StopAppsAsync(xvfb).ConfigureAwait(false);
        if (!_everReady && _displayPicked && !xvfb.IsRunning)
        {
            // Another X server took the number between our check and Xvfb's lock (parallel hosts, tests).
            var taken = int.Parse(_display[1..], CultureInfo.InvariantCulture);
            _display = ":" + DisplayAddress.FirstFree(taken + 1).ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// The session, x11vnc and the apps on the display live only as long as this Xvfb; they are stopped before it
    /// is restarted or stopped.
    /// </summary>
    private async Task RunDependentsAsync(
        ChildProcess xvfb, ChildProcess? adoptedSession, ChildProcess? adoptedVnc, CancellationToken stopping)
    {
        using var generation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var session = SuperviseAsync(DesktopAdoption.Session, () => _options.Session,
            adoptedSession, child => Publish(() => _session = child), UntilExitAsync, generation.Token);
        var vnc = SuperviseVncAsync(adoptedVnc, generation.Token);
        try
        {
            await xvfb.Exited.WaitAsync(stopping).ConfigureAwait(false);
        }
        finally
        {
            await generation.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(session, vnc).ConfigureAwait(false);
            await StopAppsAsync(xvfb).ConfigureAwait(false);
        }
    }

    /// <remarks>Apps the agent launched carry no marker of ours: they start detached, with DISPLAY only.</remarks>
    private async Task StopAppsAsync(ChildProcess xvfb)
    {
        var display = _display;
        var apps = await ProcessTable.StopAsync($"apps on {display}", xvfb.Pid,
            () => DesktopAdoption.ClientsOf(display, xvfb.Record), _logger).ConfigureAwait(false);
        if (apps > 0)
            DesktopLog.AppsStopped(_logger, apps, display);
    }

    private static Task UntilExitAsync(ChildProcess child, CancellationToken token) => child.Exited.WaitAsync(token);

    /// <summary>
    /// Runs <paramref name="whileRunning"/> per incarnation of the child, restarting it with backoff. The first is
    /// <paramref name="adopted"/> when a killed host left it running.
    /// </summary>
    private async Task SuperviseAsync(
        string name,
        Func<IReadOnlyList<string>> command,
        ChildProcess? adopted,
        Action<ChildProcess> publish,
        Func<ChildProcess, CancellationToken, Task> whileRunning,
        CancellationToken token)
    {
        var backoff = new RestartBackoff();
        while (true)
        {
            var startedAt = _time.GetTimestamp();
            if (adopted is null && DesktopPrograms.Missing(command()) is { } missing)
            {
                if (_missing.TryAdd(name, missing))
                    DesktopLog.ProgramMissing(_logger, name, missing);
                await DelayAsync(backoff.After(TimeSpan.Zero), token).ConfigureAwait(false);
                if (token.IsCancellationRequested)
                    return;
                continue;
            }
            _missing.TryRemove(name, out _);
            ChildProcess? child;
            try
            {
                // An adopted child runs its course even when the stop came first, so it is stopped like any other.
                child = Interlocked.Exchange(ref adopted, null) ?? StartUnlessStopping(name, command, token);
            }
            catch (Win32Exception e)
            {
                var delay = backoff.After(TimeSpan.Zero);
                DesktopLog.ChildFailedToStart(_logger, e, name, delay);
                await DelayAsync(delay, token).ConfigureAwait(false);
                continue;
            }
            if (child is null)
                return;
            using (child)
            {
                try
                {
                    publish(child);
                    await whileRunning(child, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    // Also after a crash: whatever the child left behind goes with it.
                    await child.StopAsync().ConfigureAwait(false);
                }
                if (token.IsCancellationRequested)
                    return;
                var restartIn = backoff.After(_time.GetElapsedTime(startedAt));
                DesktopLog.ChildExited(_logger, name, child.Pid, child.ExitCode, restartIn);
                await DelayAsync(restartIn, token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Starts a child unless the host is stopping. The check and the start happen under the lock the stop takes to
    /// say it is stopping, so no process starts once a stop has begun; one started just before is this loop's to
    /// stop, and the stop waits for the loop.
    /// </summary>
    private ChildProcess? StartUnlessStopping(string name, Func<IReadOnlyList<string>> command, CancellationToken token)
    {
        lock (_lifecycle)
            return _stopRequested || token.IsCancellationRequested
                ? null
                : ChildProcess.Start(name, command(), _display, _dataDirectory, _logger);
    }

    private int StartWidth => Math.Max(RoomWidth, Width);
    private int StartHeight => Math.Max(RoomHeight, Height);

    /// <summary>A fresh Xvfb starts with room to grow; before a client sees it, it is set to the chosen size.</summary>
    private async Task<bool> SizeNewScreenAsync(ChildProcess xvfb)
    {
        var size = _size;
        if ((size.Width, size.Height) == (StartWidth, StartHeight))
            return _sized = true;
        var display = _display;
        var (width, height) = (StartWidth, StartHeight);
        var failure = await Task.Run(() => ScreenResize.ApplyOnce(display, width, height, size.Width, size.Height))
            .ConfigureAwait(false);
        if (failure is null)
            return _sized = true;
        DesktopLog.DisplayNotReady(_logger, display, $"its screen could not be set to {size}: {failure}");
        await xvfb.StopAsync().ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Takes the size a resize of the screen left: for the record, the next start (<see cref="ResolutionChoice"/>)
    /// and whoever shows it.
    /// </summary>
    internal void Take(ScreenResolution size)
    {
        Publish(() => _size = size);
        if (_owner && IsManaged)
            ResolutionChoice.Save(_dataDirectory, _options, size);
        Resized?.Invoke(this, size);
    }

    private async Task<bool> WaitUntilAcceptingAsync(ChildProcess xvfb, CancellationToken stopping)
    {
        var address = Address;
        var startedAt = _time.GetTimestamp();
        string? reason = "not started";
        while (xvfb.IsRunning && !stopping.IsCancellationRequested
            && _time.GetElapsedTime(startedAt) < XvfbReadyTimeout)
        {
            try
            {
                reason = await address.ProbeAsync(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            if (reason is null && DisplayAddress.LockOwner(_display) is var owner && owner != xvfb.Pid)
                reason = $"display {_display} belongs to another X server (pid {owner})";
            else if (reason is null)
                return true;
            await DelayAsync(TimeSpan.FromMilliseconds(50), stopping).ConfigureAwait(false);
        }
        if (!stopping.IsCancellationRequested)
            DesktopLog.DisplayNotReady(
                _logger, _display, xvfb.IsRunning ? reason : $"Xvfb exited with code {xvfb.ExitCode}");
        return false;
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken token)
    {
        try
        {
            await Task.Delay(delay, _time, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <remarks>
    /// Covers a host that is disposed without being stopped. The container calls this once per registration
    /// (the class, the contract, the hosted service) and the host may stop after disposing, so every path
    /// shares one shutdown.
    /// </remarks>
    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    private Task ShutdownAsync()
    {
        lock (_lifecycle)
        {
            _stopRequested = true;
            return _shutdown ??= ShutdownOnceAsync(_starting);
        }
    }

    /// <summary>
    /// A daemon the session forked as it was being stopped carries the data dir's marker but no child's. A
    /// fresh-clone CI run once found an ssh-agent of a replaced desktop after the clean stop, although the session
    /// defaults turn it off (cause not found); two more looks, a moment apart, stop such a straggler.
    /// </summary>
    private async Task SweepAsync()
    {
        for (var look = 0; look < 2; look++)
        {
            var stopped = await DesktopAdoption.StopLeftAsync(null, _dataDirectory, _logger).ConfigureAwait(false);
            if (stopped > 0)
                DesktopLog.LeftProcessesStopped(_logger, stopped, _display, _dataDirectory);
            await Task.Delay(150).ConfigureAwait(false);
        }
    }

    private async Task ShutdownOnceAsync(Task starting)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await starting.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or UnauthorizedAccessException)
        {
            // A start that failed or was cancelled before it supervised anything; its error was the host's to report.
        }
        await _supervision.ConfigureAwait(false);
        if (_owner && IsManaged)
            await SweepAsync().ConfigureAwait(false);
        _stopping.Dispose();
        lock (_recordLock)
        {
            // Everything it names is stopped: a later host has nothing to adopt or clean.
            if (_owner && IsManaged)
                File.Delete(_recordPath);
            _owner = false;
        }
    }
}
