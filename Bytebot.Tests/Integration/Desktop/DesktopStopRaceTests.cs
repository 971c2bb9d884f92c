using System.Globalization;
using Bytebot.Desktop.Features.Apps;
using Bytebot.Desktop.VirtualDisplay;
using Bytebot.Tests.Integration.Tasks;

namespace Bytebot.Tests.Integration.Desktop;

/// <summary>
/// A stop that lands while the supervisor restarts a killed Xvfb (noticing the exit, stopping the old generation
/// and its apps, waiting out the backoff, starting the new Xvfb, then its session) still stops every process of the
/// desktop: no process may start once the stop has begun, and one started just before it is stopped too.
/// </summary>
[Collection(OneDesktopAtATime.Name)]
public sealed class DesktopStopRaceTests
{
    private const int Rounds = 2;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Moments =>
    [
        "at once", "after 5 ms", "after 60 ms", "after 240 ms", "after 300 ms", "after 600 ms",
        "when the new Xvfb is published", "when the new session is published",
    ];

    [Theory]
    [MemberData(nameof(Moments))]
    public async Task A_stop_during_the_restart_of_a_killed_Xvfb_leaves_no_process_of_the_desktop(string moment)
    {
        List<string> failures = [];
        for (var round = 0; round < Rounds; round++)
        {
            var host = await DesktopHost.StartAsync(new Dictionary<string, string?> { ["Desktop:Mode"] = "Managed" });
            var dataDir = host.DataDir;
            HashSet<string> displays = [host.Desktop.Display];
            try
            {
                await host.WaitUntilHealthyAsync();
                var desktop = host.Desktop;
                await DesktopWitness.WaitForAsync(() => DesktopWitness.Marked(dataDir)
                    .Any(p => p.Command == "xfwm4") && desktop.Session is { } s && s.Members().Count > 5, "xfwm4");
                // Launched the way the agent launches apps: detached, with DISPLAY and no marker of ours. One is
                // an X client (it dies with Xvfb), one is not (only the supervisor can stop it).
                var apps = new ProcessCommandRunner();
                await apps.StartDetachedAsync(["xterm", "-T", "stop-race"], desktop.Display, Ct);
                await apps.StartDetachedAsync(["sleep", "600"], desktop.Display, Ct);
                await DesktopWitness.WaitForAsync(() => DesktopWitness.OnDisplay(desktop.Display)
                    .Count(p => p.Command is "xterm" or "sleep") == 2, "the apps");
                var xvfb = desktop.Xvfb!;
                var session = desktop.Session!;

                xvfb.Kill();
                await WaitForMomentAsync(moment, desktop, xvfb, session);
                displays.Add(desktop.Display);
                await host.StopAsync();

                displays.Add(desktop.Display);
                var left = displays.SelectMany(display => DesktopWitness.All(dataDir, display))
                    .DistinctBy(p => p.Pid).ToList();
                Measurements.Record($"desktop stop race: stop {moment}, round {round}: {left.Count} processes left");
                if (left.Count > 0)
                    failures.Add($"round {round}: {string.Join("; ", left.Select(DesktopWitness.Describe))}");
            }
            finally
            {
                foreach (var display in displays)
                    DesktopWitness.KillAll(dataDir, display);
                await host.DisposeAsync();
            }
        }
        failures.ShouldBeEmpty();
    }

    private static async Task WaitForMomentAsync(
        string moment, DesktopSupervisor desktop, ChildProcess xvfb, ChildProcess session)
    {
        switch (moment)
        {
            case "when the new Xvfb is published":
                await PollAsync(() => desktop.Xvfb is { } x && x.Pid != xvfb.Pid);
                break;
            case "when the new session is published":
                await PollAsync(() => desktop.Session is { } s && s.Pid != session.Pid);
                break;
            case "at once":
                break;
            default:
                await Task.Delay(int.Parse(moment.Split(' ')[1], CultureInfo.InvariantCulture), Ct);
                break;
        }
    }

    /// <summary>Every millisecond, so the stop lands within a few of the restart step it waits for.</summary>
    private static async Task PollAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the restart step never came");
            await Task.Delay(1, Ct);
        }
    }
}
