using Bytebot.Desktop.Contracts;

namespace Bytebot.Desktop.Control;

internal sealed class DesktopControl : IDesktopControl
{
    private int _owner = (int)ControlOwner.User;

    public ControlOwner Owner => (ControlOwner)Volatile.Read(ref _owner);

    public event EventHandler<ControlOwner>? Changed;

    public void Assign(ControlOwner owner)
    {
        if (Interlocked.Exchange(ref _owner, (int)owner) != (int)owner)
            Changed?.Invoke(this, owner);
    }
}
