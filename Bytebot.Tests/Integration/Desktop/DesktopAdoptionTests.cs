using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Desktop.ComputerUse;
using Bytebot.Tests.Integration.Tasks;

namespace Bytebot.Tests.Integration.Desktop;

/// <summary>
/// The real host with its managed desktop in a child process, killed with SIGKILL and started again on the same
/// data dir: a whole desktop is adopted with its windows, a broken one is stopped to the last process, and a clean
/// stop leaves nothing (ADR 0015).
/// </summary>
[Collection(OneDesktopAtATime.Name)]
public sealed class DesktopAdoptionTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const int Width = 1024;
    private const int Height = 768;

    private readonly string _workDir = Directory.CreateTempSubdirectory("bytebot-adopt-").FullName;
    private readonly string _title = "bytebot-adopt-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _displays = [];
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DataDir => Path.Combine(_workDir, "data");

    public async ValueTask InitializeAsync() => _connectionString = await postgres.CreateDatabaseAsync();

    public ValueTask DisposeAsync()
    {
        // A failed assertion must not leak a desktop into the next test.
        var leaked = _displays.Distinct().Sum(display => DesktopWitness.KillAll(DataDir, display))
            + DesktopWitness.KillAll(DataDir, null) + DesktopWitness.KillAll(Path.Combine(_workDir, "other"), null);
        if (leaked > 0)
            TestContext.Current.TestOutputHelper?.WriteLine($"Killed {leaked} leftover processes after the test.");
        Directory.Delete(_workDir, recursive: true);
        return ValueTask.CompletedTask;
    }

    private Dictionary<string, string?> Settings(int width = Width, string? dataDir = null)
    {
        var settings = TasksHost.Settings("adopt", Path.Combine(_workDir, "actions.log"));
        settings["ConnectionStrings:Bytebot"] = _connectionString;
        settings["BYTEBOT_TOKEN"] = "bbt_test_adoption0123456789abcdef";
        settings["BYTEBOT_DATA_DIR"] = dataDir ?? DataDir;
        settings["Desktop:Mode"] = "Managed";
        settings["Desktop:Vnc"] = "true";
        settings["Desktop:Width"] = width.ToString(CultureInfo.InvariantCulture);
        settings["Desktop:Height"] = Height.ToString(CultureInfo.InvariantCulture);
        settings["Desktop:Applications:terminal:Command"] = $"xterm -T {_title}";
        settings["Desktop:Applications:terminal:WindowClass"] = "xterm";
        settings["Logging:LogLevel:Bytebot.Desktop.VirtualDisplay"] = "Information";
        return settings;
    }

    private async Task<HostProcess> StartAsync(Dictionary<string, string?> settings, string? what = null)
    {
        var clock = Stopwatch.StartNew();
        var host = await HostProcess.StartAsync(settings, Ct);
        await host.WaitUntilReadyAsync(Ct);
        if (what is not null)
            Measurements.Record($"desktop adoption: {what}: host start to ready in {clock.ElapsedMilliseconds} ms");
        var dataDir = settings["BYTEBOT_DATA_DIR"]!;
        await DesktopWitness.WaitForAsync(() => DesktopWitness.Marked(dataDir).Any(p => p.Command == "xfwm4"), "xfwm4");
        _displays.Add(DesktopWitness.DisplayOf(dataDir));
        return host;
    }

    /// <summary>An xterm opened the way the agent opens apps, with text typed into it that sets its title.</summary>
    private async Task<string> OpenTerminalWithTypedTextAsync(HostProcess host, string display)
    {
        await (await host.Client.PostActionAsync("""{"action":"application","application":"terminal"}""")).ShouldBeEmptyCreatedAsync();
        var typed = "typed-" + _title;
        await (await host.Client.PostActionAsync(new { action = "type_text", text = $"printf '\\033]2;{typed}\\007'" }))
            .ShouldBeEmptyCreatedAsync();
        await (await host.Client.PostActionAsync("""{"action":"type_keys","keys":["Return"]}""")).ShouldBeEmptyCreatedAsync();
        await WaitForWindowAsync(display, typed);
        return typed;
    }

    private static async Task WaitForWindowAsync(string display, string title)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!(await DesktopWitness.WindowsAsync(display)).Contains($"\"{title}\"", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"No window titled {title} on {display}: {await DesktopWitness.WindowsAsync(display)}");
            await Task.Delay(100, Ct);
        }
    }

    private void ShouldLeaveNothing(string display, string when)
    {
        var left = DesktopWitness.All(DataDir, display);
        Measurements.Record($"desktop adoption: {when}: {left.Count} processes of the desktop remain");
        left.Select(p => $"{p.Pid} {p.Command}").ShouldBeEmpty();
        File.Exists($"/tmp/.X11-unix/X{display[1..]}").ShouldBeFalse();
    }

    [Fact]
    public async Task After_kill_9_the_next_host_adopts_the_desktop_with_its_windows_and_a_clean_stop_leaves_nothing()
    {
        string display;
        string typed;
        List<DesktopProcess> before;
        await using (var first = await StartAsync(Settings(), "fresh desktop"))
        {
            display = DesktopWitness.DisplayOf(DataDir);
            typed = await OpenTerminalWithTypedTextAsync(first, display);
            before = DesktopWitness.All(DataDir, display);
            before.ShouldContain(p => p.Command == "xterm");
            await first.KillAsync();
        }
        var vncPort = DesktopWitness.VncPortOf(DataDir);
        var xvfb = DesktopWitness.Xvfb(DataDir);
        var survivors = before.Where(p => LinuxProcesses.IsAlive(p.Pid)).ToList();
        Measurements.Record($"desktop adoption: {before.Count} processes of the desktop before kill -9, {survivors.Count} alive after it");
        survivors.Count.ShouldBe(before.Count, "a killed host's desktop lives on");

        await using var second = await StartAsync(Settings(), "adopted after kill -9");

        DesktopWitness.DisplayOf(DataDir).ShouldBe(display);
        DesktopWitness.Xvfb(DataDir).Pid.ShouldBe(xvfb.Pid);
        DesktopWitness.VncPortOf(DataDir).ShouldBe(vncPort);
        (await DesktopWitness.VncBannerAsync(vncPort)).ShouldBe("RFB 003.008\n");
        await WaitForWindowAsync(display, typed);
        before.Where(p => !LinuxProcesses.IsAlive(p.Pid)).Select(p => $"{p.Pid} {p.Command}").ShouldBeEmpty();
        DesktopWitness.Marked(DataDir).Count(p => p.Command == "Xvfb").ShouldBe(1);
        var adopted = second.Output.LastOrDefault(line => line.Contains("Adopted desktop", StringComparison.Ordinal));
        adopted.ShouldNotBeNull(string.Join('\n', second.Output.TakeLast(40)));
        Measurements.Record($"desktop adoption: decided and taken over in {Regex.Match(adopted, @"in ([0-9.]+) ms").Groups[1].Value} ms");

        await second.StopAsync();
        ShouldLeaveNothing(display, "clean stop after an adoption");
        File.Exists(Path.Combine(DataDir, "desktop.json")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("its Xvfb was killed")]
    [InlineData("Desktop:Width changed")]
    public async Task A_desktop_left_broken_or_at_another_size_is_stopped_to_the_last_process_and_replaced(string broken)
    {
        string display;
        List<DesktopProcess> before;
        await using (var first = await StartAsync(Settings()))
        {
            display = DesktopWitness.DisplayOf(DataDir);
            await OpenTerminalWithTypedTextAsync(first, display);
            before = DesktopWitness.All(DataDir, display);
            await first.KillAsync();
        }
        var xvfb = DesktopWitness.Xvfb(DataDir);
        if (broken == "its Xvfb was killed")
        {
            _ = Bytebot.Desktop.X11.LibC.Kill(xvfb.Pid, Bytebot.Desktop.X11.LibC.SigKill);
            await DesktopWitness.WaitForAsync(() => !LinuxProcesses.IsAlive(xvfb.Pid), "Xvfb to die");
        }
        var width = broken == "Desktop:Width changed" ? Width + 256 : Width;

        await using var second = await StartAsync(Settings(width), $"replaced because {broken}");

        var left = before.Where(p => LinuxProcesses.IsAlive(p.Pid)).Select(p => $"{p.Pid} {p.Command}").ToList();
        Measurements.Record($"desktop adoption: {broken}: {before.Count} processes before, {left.Count} left after the restart");
        left.ShouldBeEmpty();
        var fresh = DesktopWitness.Xvfb(DataDir);
        fresh.Pid.ShouldNotBe(xvfb.Pid);
        var newDisplay = DesktopWitness.DisplayOf(DataDir);
        (await LinuxProcesses.RunAsync("xdpyinfo", "-display", newDisplay)).ShouldContain($"dimensions:    {width}x{Height} pixels");
        (await DesktopWitness.WindowsAsync(newDisplay)).ShouldNotContain(_title);

        await second.StopAsync();
        ShouldLeaveNothing(newDisplay, $"clean stop after replacing a desktop ({broken})");
        DesktopWitness.All(DataDir, display).ShouldBeEmpty();
    }

    [Fact]
    public async Task Ten_kill_9_and_restart_cycles_leave_exactly_one_desktop_then_none()
    {
        string? display = null;
        List<long> adoptions = [];
        for (var cycle = 0; cycle < 10; cycle++)
        {
            var clock = Stopwatch.StartNew();
            await using var host = await StartAsync(Settings());
            if (cycle > 0)
                adoptions.Add(clock.ElapsedMilliseconds);
            var desktops = DesktopWitness.Marked(DataDir).Count(p => p.Command == "Xvfb");
            desktops.ShouldBe(1, $"cycle {cycle}");
            display ??= DesktopWitness.DisplayOf(DataDir);
            DesktopWitness.DisplayOf(DataDir).ShouldBe(display, $"cycle {cycle}");
            if (cycle < 9)
                await host.KillAsync();
            else
                await host.StopAsync();
        }
        adoptions.Sort();
        Measurements.Record($"desktop adoption: 10 kill -9 cycles, one display {display}; host start to ready after a kill: " +
            $"median {adoptions[adoptions.Count / 2]} ms, max {adoptions[^1]} ms");
        ShouldLeaveNothing(display!, "clean stop after 10 kill -9 cycles");
    }

    [Fact]
    public async Task Hosts_of_two_data_dirs_never_adopt_or_stop_each_others_desktops()
    {
        var otherDir = Path.Combine(_workDir, "other");
        await using var other = await StartAsync(Settings(dataDir: otherDir));
        var otherDisplay = DesktopWitness.DisplayOf(otherDir);

        string display;
        List<DesktopProcess> otherProcesses;
        await using (var first = await StartAsync(Settings()))
        {
            display = DesktopWitness.DisplayOf(DataDir);
            // Taken once both sessions run: a second gpg-agent of the same user takes over the socket and the
            // first one exits by itself (it did so before adoption existed too).
            otherProcesses = DesktopWitness.All(otherDir, otherDisplay);
            await first.KillAsync();
        }
        display.ShouldNotBe(otherDisplay);
        await using (var second = await StartAsync(Settings()))
        {
            DesktopWitness.DisplayOf(DataDir).ShouldBe(display);
            await second.StopAsync();
        }
        ShouldLeaveNothing(display, "clean stop of one of two hosts");

        otherProcesses.Where(p => !LinuxProcesses.IsAlive(p.Pid)).Select(p => $"{p.Pid} {p.Command}").ShouldBeEmpty();
        DesktopWitness.DisplayOf(otherDir).ShouldBe(otherDisplay);
        await other.StopAsync();
        DesktopWitness.All(otherDir, otherDisplay).ShouldBeEmpty();
    }
}
