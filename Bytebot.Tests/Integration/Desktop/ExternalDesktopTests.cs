using System.Diagnostics;
using System.Globalization;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Display;
using Bytebot.Desktop.VirtualDisplay;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Desktop;

[Collection(OneDesktopAtATime.Name)]
public sealed class ExternalDesktopTests
{
    [Fact]
    public async Task An_external_desktop_starts_no_Xvfb_but_serves_VNC_for_the_given_display()
    {
        var display = ":" + DisplayAddress.FirstFree().ToString(CultureInfo.InvariantCulture);
        var info = new ProcessStartInfo("Xvfb") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { display, "-screen", "0", "800x600x24", "-nolisten", "tcp", "-nolisten", "local" })
            info.ArgumentList.Add(argument);
        using var xvfb = Process.Start(info)!;
        try
        {
            await using var host = await DesktopHost.StartAsync(new Dictionary<string, string?>
            {
                ["Desktop:Mode"] = "External",
                ["DISPLAY"] = display,
            });

            await host.WaitUntilHealthyAsync();

            host.Desktop.IsManaged.ShouldBeFalse();
            host.Desktop.Display.ShouldBe(display);
            host.Desktop.Xvfb.ShouldBeNull();
            host.Desktop.Session.ShouldBeNull();
            LinuxProcesses.CommandName(host.Desktop.Vnc!.Pid).ShouldBe("x11vnc");
            // Other test classes run managed desktops in parallel, so only this display's X server is checked.
            XServersFor(display).ShouldBe([xvfb.Id]);
            var conflict = await Should.ThrowAsync<ResolutionConflictException>(() =>
                ChangeResolutionHandler.HandleAsync(new ChangeResolution(1024, 768),
                    host.Services.GetRequiredService<DesktopScreen>(), TestContext.Current.CancellationToken));
            conflict.Message.ShouldContain("external");
        }
        finally
        {
            xvfb.Kill();
            await xvfb.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Every live Xvfb serving <paramref name="display"/>: ours, and one the host would have started.</summary>
    private static int[] XServersFor(string display) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name!.All(char.IsAsciiDigit))
            .Select(name => int.Parse(name!, CultureInfo.InvariantCulture))
            .Where(pid => LinuxProcesses.IsAlive(pid) && LinuxProcesses.CommandName(pid) == "Xvfb" && CommandLine(pid).Contains(display))];

    private static string[] CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
        }
        catch (IOException)
        {
            return [];
        }
    }
}
