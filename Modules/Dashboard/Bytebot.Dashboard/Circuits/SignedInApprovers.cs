using Bytebot.Agent.Contracts;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Bytebot.Dashboard.Circuits;

/// <summary>
/// Connected dashboard circuits, as approvers: every page shows the pending approvals (the layout's panel), and only a
/// signed-in user's circuit connects (<see cref="SignedInCircuits"/>). A circuit whose browser went away counts no
/// more once its connection drops, though the circuit itself is kept a while for a reconnect.
/// </summary>
internal sealed class SignedInApprovers : IApproverPresence
{
    private int _connected;

    public int Reachable => Volatile.Read(ref _connected);

    internal sealed class Counter(SignedInApprovers approvers) : CircuitHandler
    {
        private int _up;

        public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _up, 1) == 0)
                Interlocked.Increment(ref approvers._connected);
            return Task.CompletedTask;
        }

        public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _up, 0) == 1)
                Interlocked.Decrement(ref approvers._connected);
            return Task.CompletedTask;
        }

        public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken) =>
            OnConnectionDownAsync(circuit, cancellationToken);
    }
}
