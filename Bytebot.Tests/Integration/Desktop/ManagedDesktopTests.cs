using System.Diagnostics;
using Bytebot.Desktop.VirtualDisplay;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bytebot.Tests.Integration.Desktop;

public sealed class ManagedDesktopFixture : IAsyncLifetime
{
    internal DesktopHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Host = await DesktopHost.StartAsync(new Dictionary<string, string?> { ["Desktop:Mode"] = "Managed" });

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

[Collection(OneDesktopAtATime.Name)]
public sealed class ManagedDesktopTests(ManagedDesktopFixture fixture) : IClassFixture<ManagedDesktopFixture>
{
    private DesktopSupervisor Desktop => fixture.Host.Desktop;

    [Fact]
    public async Task The_managed_desktop_comes_up_healthy_at_the_configured_size()
    {
        await fixture.Host.WaitUntilHealthyAsync();

        Desktop.IsManaged.ShouldBeTrue();
        File.Exists($"/tmp/.X11-unix/X{Desktop.Display[1..]}").ShouldBeTrue();
        var info = await LinuxProcesses.RunAsync("xdpyinfo", "-display", Desktop.Display);
        info.ShouldContain("dimensions:    1280x960 pixels");
    }

    [Fact]
    public async Task Killing_Xvfb_makes_the_display_unhealthy_until_the_desktop_is_restarted()
    {
        await fixture.Host.WaitUntilHealthyAsync();
        var xvfb = Desktop.Xvfb!;
        var vnc = Desktop.Vnc!;

        var clock = Stopwatch.StartNew();
        xvfb.Kill();

        await fixture.Host.WaitUntilAsync(r => r.Entries["display"].Status == HealthStatus.Unhealthy, "display unhealthy");
        await fixture.Host.WaitUntilHealthyAsync();
        TestContext.Current.TestOutputHelper?.WriteLine($"Healthy again {clock.Elapsed} after SIGKILL of Xvfb.");
        Desktop.Xvfb!.Pid.ShouldNotBe(xvfb.Pid);
        Desktop.Vnc!.Pid.ShouldNotBe(vnc.Pid);
        LinuxProcesses.IsAlive(vnc.Pid).ShouldBeFalse();
    }

    [Fact]
    public async Task Killing_x11vnc_makes_vnc_unhealthy_until_it_is_restarted()
    {
        await fixture.Host.WaitUntilHealthyAsync();
        var vnc = Desktop.Vnc!;
        var xvfb = Desktop.Xvfb!;

        var clock = Stopwatch.StartNew();
        vnc.Kill();

        await fixture.Host.WaitUntilAsync(r => r.Entries["vnc"].Status == HealthStatus.Unhealthy, "vnc unhealthy");
        await fixture.Host.WaitUntilHealthyAsync();
        TestContext.Current.TestOutputHelper?.WriteLine($"Healthy again {clock.Elapsed} after SIGKILL of x11vnc.");
        Desktop.Vnc!.Pid.ShouldNotBe(vnc.Pid);
        Desktop.Xvfb!.Pid.ShouldBe(xvfb.Pid);
    }

    [Fact]
    public async Task The_session_runs_with_GTK_animations_off_and_keeps_the_theme_of_the_system_defaults()
    {
        await fixture.Host.WaitUntilHealthyAsync();
        string? bus = null;
        await DesktopWitness.WaitForAsync(() => (bus = DesktopWitness.EnvironmentOf("xfsettingsd", Desktop.Display)?
            .GetValueOrDefault("DBUS_SESSION_BUS_ADDRESS")) is not null, "xfsettingsd");
        var session = new Dictionary<string, string>
        {
            ["DBUS_SESSION_BUS_ADDRESS"] = bus!,
            ["DISPLAY"] = Desktop.Display,
        };

        (await DesktopWitness.RunWithAsync(session, "xfconf-query", "-c", "xsettings", "-p", "/Gtk/EnableAnimations"))
            .ShouldBe("false");
        (await DesktopWitness.RunWithAsync(session, "xfconf-query", "-c", "xsettings", "-p", "/Net/ThemeName"))
            .ShouldNotBeNullOrWhiteSpace("the system's xsettings are merged, not replaced");
    }
}
