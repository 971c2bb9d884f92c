using Bytebot.Desktop.Contracts;

namespace Bytebot.Desktop.Control;

/// <summary>
/// Who drives the desktop. Handing it to the user cancels <see cref="AgentToken"/>, so an agent action that is running
/// stops at its next step and queued ones are refused: once <see cref="Assign"/> returns, the agent no longer acts.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Sources without timers hold nothing to free; actions may still hold tokens of old ones.")]
internal sealed class DesktopControl : IDesktopControl
{
    private readonly Lock _gate = new();
    private ControlOwner _owner = ControlOwner.User;
    private CancellationTokenSource _agent = CancelledSource();

    public ControlOwner Owner
    {
        get
        {
            lock (_gate)
                return _owner;
        }
    }

    /// <summary>Cancelled while (and as soon as) the user has control.</summary>
    public CancellationToken AgentToken
    {
        get
        {
            lock (_gate)
                return _agent.Token;
        }
    }

    public event EventHandler<ControlOwner>? Changed;

    public void Assign(ControlOwner owner)
    {
        CancellationTokenSource? revoked = null;
        lock (_gate)
        {
            if (_owner == owner)
                return;
            _owner = owner;
            // Old sources are not disposed: actions may still hold their tokens (nothing else to free without timers).
            if (owner == ControlOwner.Agent)
                _agent = new CancellationTokenSource();
            else
                revoked = _agent;
        }
        revoked?.Cancel();
        Changed?.Invoke(this, owner);
    }

    private static CancellationTokenSource CancelledSource()
    {
        var source = new CancellationTokenSource();
        source.Cancel();
        return source;
    }
}
