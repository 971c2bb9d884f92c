namespace Bytebot.Desktop.VirtualDisplay;

/// <summary>Exponential delay between restarts of a child that keeps dying, reset once it stays up.</summary>
internal sealed class RestartBackoff
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Stable = TimeSpan.FromSeconds(30);

    private TimeSpan _next = First;

    public TimeSpan After(TimeSpan uptime)
    {
        if (uptime >= Stable)
            _next = First;
        var delay = _next;
        _next = _next * 2 > Cap ? Cap : _next * 2;
        return delay;
    }
}
