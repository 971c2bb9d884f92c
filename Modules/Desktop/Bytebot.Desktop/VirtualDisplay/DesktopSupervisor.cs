using System.ComponentModel;
using System.Globalization;
using Bytebot.Desktop.Contracts;
using Bytebot.Platform.Os;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bytebot.Desktop.VirtualDisplay;

/// <summary>
/// Starts and supervises the desktop's processes: in Managed mode Xvfb, the session and x11vnc; in External mode
/// only x11vnc. It starts them without blocking host start-up; the health checks report when they are ready.
/// </summary>
internal sealed class DesktopSupervisor : IHostedLifecycleService, IDesktopEnvironment, IAsyncDisposable
{
    private static readonly TimeSpan XvfbReadyTimeout = TimeSpan.FromSeconds(10);

    private readonly DesktopOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DesktopSupervisor> _logger;
    private readonly bool _displayPicked;
    private readonly CancellationTokenSource _stopping = new();
    private Task _supervision = Task.CompletedTask;
    private volatile ChildProcess? _xvfb;
    private volatile ChildProcess? _session;
    private volatile ChildProcess? _vnc;
    private volatile string _display;
    private readonly Lock _shutdownLock = new();
    private Task? _shutdown;
    private bool _everReady;

    public DesktopSupervisor(IOptions<DesktopOptions> options, TimeProvider time, ILogger<DesktopSupervisor> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        IsManaged = _options.Mode == DesktopMode.Managed;
        _displayPicked = IsManaged && _options.DisplayNumber == 0;
        _display = IsManaged
            ? ":" + (_displayPicked ? DisplayAddress.FirstFree() : _options.DisplayNumber).ToString(CultureInfo.InvariantCulture)
            : _options.ExternalDisplay!;
        VncPort = !_options.Vnc ? 0 : _options.VncPort != 0 ? _options.VncPort : LoopbackPort.Free();
    }

    public string Display => _display;
    public int Width => _options.Width;
    public int Height => _options.Height;
    public int VncPort { get; }
    public bool IsManaged { get; }

    public DisplayAddress Address => DisplayAddress.Parse(_display);

    /// <summary>True in External mode; in Managed mode, whether our Xvfb is running.</summary>
    public bool XServerRunning => !IsManaged || _xvfb?.IsRunning == true;

    internal ChildProcess? Xvfb => _xvfb;
    internal ChildProcess? Session => _session;
    internal ChildProcess? Vnc => _vnc;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var stopping = _stopping.Token;
        _supervision = IsManaged
            ? Task.Run(() => SuperviseXvfbAsync(stopping), CancellationToken.None)
            : Task.Run(() => SuperviseVncAsync(stopping), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <remarks>Last of the stop phases, so other modules can still use the display while they stop.</remarks>
    public Task StoppedAsync(CancellationToken cancellationToken) => ShutdownAsync();

    private Task SuperviseXvfbAsync(CancellationToken stopping) => SuperviseAsync(
        "Xvfb",
        () => ["Xvfb", _display, "-screen", "0", $"{Width}x{Height}x24", "-nolisten", "tcp"],
        child => _xvfb = child,
        RunDesktopAsync,
        stopping);

    private Task SuperviseVncAsync(CancellationToken token) => _options.Vnc
        ? SuperviseAsync(
            "x11vnc",
            () => ["x11vnc", "-display", _display, "-rfbport", VncPort.ToString(CultureInfo.InvariantCulture),
                "-localhost", "-nopw", "-forever", "-shared", "-quiet"],
            child => _vnc = child,
            UntilExitAsync,
            token)
        : Task.CompletedTask;

    private async Task RunDesktopAsync(ChildProcess xvfb, CancellationToken stopping)
    {
        if (await WaitUntilAcceptingAsync(xvfb, stopping).ConfigureAwait(false))
        {
            _everReady = true;
            DesktopLog.DisplayReady(_logger, _display, Width, Height, _options.Mode, VncPort);
            await RunDependentsAsync(xvfb, stopping).ConfigureAwait(false);
        }
        else if (!_everReady && _displayPicked && !xvfb.IsRunning)
        {
            // Another X server took the number between our check and Xvfb's lock (parallel hosts, tests).
            var taken = int.Parse(_display[1..], CultureInfo.InvariantCulture);
            _display = ":" + DisplayAddress.FirstFree(taken + 1).ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The session and x11vnc live only as long as this Xvfb; they are stopped before it is restarted.</summary>
    private async Task RunDependentsAsync(ChildProcess xvfb, CancellationToken stopping)
    {
        using var generation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var session = SuperviseAsync("session", () => _options.Session, child => _session = child, UntilExitAsync, generation.Token);
        var vnc = SuperviseVncAsync(generation.Token);
        try
        {
            await xvfb.Exited.WaitAsync(stopping).ConfigureAwait(false);
        }
        finally
        {
            await generation.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(session, vnc).ConfigureAwait(false);
        }
    }

    private static Task UntilExitAsync(ChildProcess child, CancellationToken token) => child.Exited.WaitAsync(token);

    /// <summary>Runs <paramref name="whileRunning"/> for each incarnation of the child and restarts it with backoff.</summary>
    private async Task SuperviseAsync(
        string name,
        Func<IReadOnlyList<string>> command,
        Action<ChildProcess> publish,
        Func<ChildProcess, CancellationToken, Task> whileRunning,
        CancellationToken token)
    {
        var backoff = new RestartBackoff();
        while (!token.IsCancellationRequested)
        {
            var startedAt = _time.GetTimestamp();
            ChildProcess child;
            try
            {
                child = ChildProcess.Start(name, command(), _display, _logger);
            }
            catch (Win32Exception e)
            {
                var delay = backoff.After(TimeSpan.Zero);
                DesktopLog.ChildFailedToStart(_logger, e, name, delay);
                await DelayAsync(delay, token).ConfigureAwait(false);
                continue;
            }
            publish(child);
            using (child)
            {
                try
                {
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

    private async Task<bool> WaitUntilAcceptingAsync(ChildProcess xvfb, CancellationToken stopping)
    {
        var address = Address;
        var startedAt = _time.GetTimestamp();
        string? reason = "not started";
        while (xvfb.IsRunning && !stopping.IsCancellationRequested && _time.GetElapsedTime(startedAt) < XvfbReadyTimeout)
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
            DesktopLog.DisplayNotReady(_logger, _display, xvfb.IsRunning ? reason : $"Xvfb exited with code {xvfb.ExitCode}");
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
        lock (_shutdownLock)
            return _shutdown ??= ShutdownOnceAsync();
    }

    private async Task ShutdownOnceAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _supervision.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
