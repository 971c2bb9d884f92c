namespace Bytebot.Tests.Integration.Desktop;

[Collection(OneDesktopAtATime.Name)]
public sealed class DesktopShutdownTests
{
    [Fact]
    public async Task Stopping_the_host_leaves_no_process_of_the_desktop_alive()
    {
        await using var host = await DesktopHost.StartAsync(new Dictionary<string, string?> { ["Desktop:Mode"] = "Managed" });
        await host.WaitUntilHealthyAsync();
        var desktop = host.Desktop;
        var session = desktop.Session!;
        // Wait for the window manager so the snapshot holds the XFCE tree, not just dbus-run-session.
        await WaitForAsync(() => session.Members().Any(pid => LinuxProcesses.CommandName(pid) == "xfwm4"), "xfwm4 to start");
        int[] started = [desktop.Xvfb!.Pid, desktop.Vnc!.Pid, .. session.Members()];
        var socket = $"/tmp/.X11-unix/X{desktop.Display[1..]}";

        await host.StopAsync();

        started.Where(LinuxProcesses.IsAlive)
            .Select(pid => $"{pid} {LinuxProcesses.CommandName(pid)}")
            .ShouldBeEmpty();
        File.Exists(socket).ShouldBeFalse();
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Gave up waiting for {what}.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
