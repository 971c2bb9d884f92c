using Bytebot.Desktop.Control;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Desktop.VirtualDisplay;

namespace Bytebot.Desktop.Features.Display;

/// <summary>
/// The ports a resolution change runs on. Public only because Wolverine's generated adapters name it from another
/// assembly; its members are internal.
/// </summary>
public sealed class DesktopScreen
{
    internal DesktopScreen(
        DesktopSupervisor supervisor, IDesktopDriver driver, ActionQueue queue, DesktopControl control)
    {
        Supervisor = supervisor;
        Driver = driver;
        Queue = queue;
        Control = control;
    }

    internal DesktopSupervisor Supervisor { get; }

    internal IDesktopDriver Driver { get; }

    internal ActionQueue Queue { get; }

    internal DesktopControl Control { get; }
}
