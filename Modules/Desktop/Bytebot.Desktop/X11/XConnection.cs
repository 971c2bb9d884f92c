using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Bytebot.Desktop.X11;

/// <summary>
/// The single thread that owns the X Display. Work runs in arrival order; between items the thread pumps X events
/// (selection requests must be answered even while the host is idle). A lost connection is dropped and the
/// next item connects again, retrying with backoff while the display is (re)starting.
/// </summary>
internal sealed unsafe class XConnection : IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(1);

    private readonly Func<string?> _displayName;
    private readonly TimeSpan _connectTimeout;
    private readonly ILogger _logger;
    private readonly Channel<WorkItem> _work = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _thread;
    private readonly int _wakeFd;
    private XSession? _session;
    private volatile bool _stopping;

    // displayName answers null while the display must not be connected to yet (a fresh Xvfb being sized).
    public XConnection(Func<string?> displayName, TimeSpan connectTimeout, ILogger logger)
    {
        _displayName = displayName;
        _connectTimeout = connectTimeout;
        _logger = logger;
        _wakeFd = LibC.EventFd(0, LibC.EfdNonBlock | LibC.EfdCloExec);
        if (_wakeFd < 0)
            throw new InvalidOperationException("eventfd failed");
        _thread = new Thread(Run) { IsBackground = true, Name = "X display" };
        _thread.Start();
    }

    public Task<T> InvokeAsync<T>(Func<XSession, CancellationToken, T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        var item = new WorkItem<T>(work, cancellationToken).Register();
        ObjectDisposedException.ThrowIf(!_work.Writer.TryWrite(item), this);
        Wake();
        return item.Task;
    }

    public Task InvokeAsync(Action<XSession, CancellationToken> work, CancellationToken cancellationToken) =>
        InvokeAsync<bool>((session, token) =>
        {
            work(session, token);
            return true;
        }, cancellationToken);

    public void Dispose()
    {
        if (_stopping)
            return;
        _stopping = true;
        _work.Writer.TryComplete();
        Wake();
        _thread.Join(TimeSpan.FromSeconds(5));
        _ = LibC.Close(_wakeFd);
    }

    private void Wake()
    {
        ulong one = 1;
        _ = LibC.Write(_wakeFd, &one, sizeof(ulong));
    }

    private void Run()
    {
        XErrors.InstallProcessHandlers();
        while (!_stopping)
        {
            while (_work.Reader.TryRead(out var item))
                Execute(item);
            if (_session is { } session)
            {
                session.PumpEvents();
                if (XErrors.ConnectionLost)
                    Drop();
            }
            if (!_work.Reader.TryPeek(out _) && !_stopping)
                WaitForActivity();
        }
        while (_work.Reader.TryRead(out var left))
            left.Fail(new ObjectDisposedException(nameof(XConnection)));
        if (_session is not null)
            Teardown(_session);
        _session = null;
    }

    private void WaitForActivity()
    {
        var fds = stackalloc LibC.PollFd[2];
        fds[0] = new LibC.PollFd { Fd = _wakeFd, Events = LibC.PollIn };
        var count = 1;
        if (_session is { } session)
        {
            fds[1] = new LibC.PollFd { Fd = session.FileDescriptor, Events = LibC.PollIn };
            count = 2;
        }
        _ = LibC.Poll(fds, (nuint)count, -1);
        ulong drained;
        _ = LibC.Read(_wakeFd, &drained, sizeof(ulong));
    }

    private void Execute(WorkItem item)
    {
        if (item.Token.IsCancellationRequested)
        {
            item.Cancel();
            return;
        }
        try
        {
            var session = Connect(item.Token);
            // A resize someone else made is applied before the item runs, not after it captured at the old size.
            session.PumpEvents();
            var errorsBefore = XErrors.Count;
            item.Run(session);
            if (XErrors.Count != errorsBefore)
                XLog.ProtocolErrors(_logger, XErrors.Count - errorsBefore, XErrors.Last);
        }
        catch (OperationCanceledException) when (item.Token.IsCancellationRequested)
        {
            item.Cancel();
        }
        catch (Exception e)
        {
            item.Fail(XErrors.ConnectionLost ? new XConnectionLostException($"The X connection was lost during the call ({e.Message}); the next call reconnects.") : e);
        }
        if (XErrors.ConnectionLost)
            Drop();
    }

    private XSession Connect(CancellationToken token)
    {
        if (_session is { } live)
            return live;
        var started = Stopwatch.GetTimestamp();
        var delay = FirstRetry;
        while (true)
        {
            var name = _displayName();
            var session = name is null ? null : XSession.Open(name);
            if (session is not null)
            {
                XLog.Connected(_logger, session.Name, session.Width, session.Height, session.Capture.UsesSharedMemory);
                return _session = session;
            }
            name ??= "(not set up yet)";
            if (Stopwatch.GetElapsedTime(started) > _connectTimeout)
                throw new XConnectionLostException($"X display {name} did not accept a connection within {_connectTimeout.TotalSeconds:0} s.");
            XLog.ConnectRetry(_logger, name, delay);
            token.WaitHandle.WaitOne(delay);
            token.ThrowIfCancellationRequested();
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetry.Ticks));
        }
    }

    private void Drop()
    {
        if (_session is null)
            return;
        XLog.ConnectionLost(_logger, _session.Name);
        Teardown(_session);
        _session = null;
    }

    private void Teardown(XSession session)
    {
        try
        {
            session.Dispose();
        }
        catch (Exception e)
        {
            XLog.TeardownFailed(_logger, e);
        }
    }

    private abstract class WorkItem(CancellationToken token)
    {
        public CancellationToken Token { get; } = token;

        /// <summary>Ends the caller's wait at once; the X thread skips the item when it gets to it.</summary>
        protected CancellationTokenRegistration WhenCancelled(Action cancel) => Token.Register(cancel);

        public abstract void Run(XSession session);

        public abstract void Fail(Exception exception);

        public abstract void Cancel();
    }

    private sealed class WorkItem<T>(Func<XSession, CancellationToken, T> work, CancellationToken token) : WorkItem(token)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CancellationTokenRegistration _registration;

        public Task<T> Task => _completion.Task;

        public WorkItem<T> Register()
        {
            _registration = WhenCancelled(Cancel);
            return this;
        }

        public override void Run(XSession session)
        {
            if (_completion.Task.IsCompleted)
                return;
            var result = work(session, Token);
            _registration.Dispose();
            _completion.TrySetResult(result);
        }

        public override void Fail(Exception exception)
        {
            _registration.Dispose();
            _completion.TrySetException(exception);
        }

        public override void Cancel() => _completion.TrySetCanceled(Token);
    }
}
