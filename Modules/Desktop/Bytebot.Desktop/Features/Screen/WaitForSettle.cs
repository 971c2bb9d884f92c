using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Screen;

/// <summary>For the agent only: it decides when to wait; the HTTP endpoint keeps Bytebot's contract and never settles by itself.</summary>
public static class WaitForSettleHandler
{
    public static readonly TimeSpan DefaultQuiet = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan DefaultCap = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxCap = TimeSpan.FromSeconds(30);

    public static Task<SettleReport> HandleAsync(WaitForSettle message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var quiet = message.Quiet ?? DefaultQuiet;
        var cap = message.Cap ?? DefaultCap;
        var reaction = message.Reaction ?? quiet;
        var violations = new Violations();
        if (quiet <= TimeSpan.Zero || quiet > cap)
            violations.Add("quiet", $"must be positive and at most the cap ({cap.TotalMilliseconds} ms).");
        if (reaction <= TimeSpan.Zero || reaction > cap)
            violations.Add("reaction", $"must be positive and at most the cap ({cap.TotalMilliseconds} ms).");
        if (cap > MaxCap)
            violations.Add("cap", $"must be at most {MaxCap.TotalMilliseconds} ms.");
        violations.ThrowIfAny();
        return desktop.Queue.RunAsync(message, async token =>
        {
            var result = await desktop.Driver.WaitForSettleAsync(reaction, quiet, cap, token);
            return new SettleReport((long)result.Waited.TotalMilliseconds, result.Settled);
        }, cancellationToken);
    }
}
