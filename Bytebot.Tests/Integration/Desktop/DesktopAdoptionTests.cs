using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bytebot.Tests.Fakes.Llm;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Desktop.ComputerUse;
using Bytebot.Tests.Integration.Desktop.Native;
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
        await (await host.Client.PostActionAsync("""{"action":"application","application":"terminal"}"""))
            .ShouldBeEmptyCreatedAsync();
        var typed = "typed-" + _title;
        await (await host.Client.PostActionAsync(new { action = "type_text", text = $"printf '\\033]2;{typed}\\007'" }))
            .ShouldBeEmptyCreatedAsync();
        await (await host.Client.PostActionAsync("""{"action":"type_keys","keys":["Return"]}"""))
            .ShouldBeEmptyCreatedAsync();
        await WaitForWindowAsync(display, typed);
        return typed;
    }

    private static async Task WaitForWindowAsync(string display, string title)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!(await DesktopWitness.WindowsAsync(display)).Contains($"\"{title}\"", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"No window titled {title} on {display}: "
                    + await DesktopDiagnosis.WriteAsync(display, "adoption-terminal"));
            await Task.Delay(100, Ct);
        }
    }

    private void ShouldLeaveNothing(HostProcess host, string display, string when)
    {
        var left = DesktopWitness.All(DataDir, display);
        Measurements.Record($"desktop adoption: {when}: {left.Count} processes of the desktop remain");
        left.Select(DesktopWitness.Describe).ShouldBeEmpty(
            $"host {host.Ending}; its log ends:\n{string.Join('\n', host.Output.TakeLast(60))}");
        DesktopWitness.SocketLeft(DataDir, display).ShouldBeFalse();
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
            // The session's AT-SPI bus (its launcher and its own dbus-daemon) belongs to the desktop too.
            await DesktopWitness.WaitForAsync(() => DesktopWitness.Marked(DataDir)
                .Count(p => p.Arguments[0].EndsWith("at-spi-bus-launcher", StringComparison.Ordinal)
                    || p.Arguments.Contains("--config-file=/usr/share/defaults/at-spi2/accessibility.conf")) == 2,
                "the AT-SPI bus");
            before = DesktopWitness.All(DataDir, display);
            before.ShouldContain(p => p.Command == "xterm");
            await first.KillAsync();
        }
        var vncPort = DesktopWitness.VncPortOf(DataDir);
        var xvfb = DesktopWitness.Xvfb(DataDir);
        var survivors = before.Where(p => LinuxProcesses.IsAlive(p.Pid)).ToList();
        Measurements.Record($"desktop adoption: {before.Count} processes of the desktop before kill -9, "
            + $"{survivors.Count} alive after it");
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
        var milliseconds = Regex.Match(adopted, @"in ([0-9.]+) ms").Groups[1].Value;
        Measurements.Record($"desktop adoption: decided and taken over in {milliseconds} ms");

        // An adopted child is not our child process, and is still restarted when it dies.
        var adoptedVnc = DesktopWitness.Marked(DataDir).Single(p => p.Command == "x11vnc");
        _ = Bytebot.Desktop.X11.LibC.Kill(adoptedVnc.Pid, Bytebot.Desktop.X11.LibC.SigKill);
        await DesktopWitness.WaitForAsync(
            () => DesktopWitness.Marked(DataDir).Any(p => p.Command == "x11vnc" && p.Pid != adoptedVnc.Pid),
            "the adopted x11vnc to be restarted");
        await second.WaitUntilReadyAsync(Ct);
        DesktopWitness.VncPortOf(DataDir).ShouldBe(vncPort);
        (await DesktopWitness.VncBannerAsync(vncPort)).ShouldBe("RFB 003.008\n");

        await second.StopAsync();
        ShouldLeaveNothing(second, display, "clean stop after an adoption");
        File.Exists(Path.Combine(DataDir, "desktop.json")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_task_killed_mid_step_resumes_on_the_adopted_screen_and_sees_the_window_it_opened()
    {
        await using var llm = await FakeLlmServer.StartAsync();
        var settings = Settings();
        settings["Test:Agent"] = "real";
        settings["ANTHROPIC_API_KEY"] = "sk-ant-test";
        settings["ANTHROPIC_BASE_URL"] = llm.BaseUrl.ToString().TrimEnd('/');
        // A magenta window over most of the screen: easy to find in a screenshot.
        settings["Desktop:Applications:terminal:Command"] = $"xterm -T {_title} -bg magenta -maximized";
        // The kill lands during the wait, after the terminal opened; after the restart the model looks, then ends.
        llm.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUses(
                ("toolu_open", "computer_application", new { application = "terminal" }),
                ("toolu_wait", "computer_wait", new { duration = 3000 })),
            ScriptedReplies.AnthropicToolUse("toolu_look", "computer_screenshot", new { }),
            ScriptedReplies.AnthropicToolUse(
                "toolu_done", "set_task_status", new { status = "completed", description = "ok" }));
        Guid id;
        string display;
        await using (var first = await StartAsync(settings))
        {
            display = DesktopWitness.DisplayOf(DataDir);
            id = await TasksHost.CreateTaskAsync(first.Client, new
            {
                description = "open a terminal",
                model = new { provider = "anthropic", name = "claude-sonnet-4-20250514", title = "Claude" },
            });
            await TasksHost.WaitUntilAsync(async () =>
                (await first.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/timeline", Ct)).EnumerateArray()
                    .Any(s => s.GetProperty("action").GetString() == "computer_wait"), TimeSpan.FromSeconds(60));
            await WaitForWindowAsync(display, _title);
            await first.KillAsync();
        }

        await using var second = await StartAsync(settings);
        DesktopWitness.DisplayOf(DataDir).ShouldBe(display);
        async Task<string?> StatusAsync() => (await second.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct))
            .GetProperty("status").GetString();
        await TasksHost.WaitUntilAsync(
            async () => await StatusAsync() is "COMPLETED" or "FAILED", TimeSpan.FromSeconds(60));

        (await StatusAsync()).ShouldBe("COMPLETED");
        var bodies = llm.Bodies(FakeLlmServer.AnthropicMessages);
        bodies.Count.ShouldBe(3);
        bodies[1].ToString().ShouldContain("interrupted by a restart");
        var screenshot = PngImage.Decode(Convert.FromBase64String(Images(bodies[2]).Last()));
        var magenta = 0;
        for (var i = 0; i < screenshot.Rgb.Length; i += 3)
            magenta += screenshot.Rgb[i] == 255 && screenshot.Rgb[i + 1] == 0 && screenshot.Rgb[i + 2] == 255 ? 1 : 0;
        var share = (double)magenta / (screenshot.Width * screenshot.Height);
        Measurements.Record(string.Create(CultureInfo.InvariantCulture,
            $"desktop adoption: the first screenshot after the restart is {share:P0} the terminal opened before it"));
        share.ShouldBeGreaterThan(0.3, "the window the task opened before the kill is on the screen it sees after it");

        await second.StopAsync();
        ShouldLeaveNothing(second, display, "clean stop after a resumed task");
    }

    /// <summary>The base64 data of every image block in an Anthropic request, in order.</summary>
    private static IEnumerable<string> Images(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object when element.TryGetProperty("type", out var type)
            && type.ValueKind == JsonValueKind.String && type.GetString() == "image" =>
            [element.GetProperty("source").GetProperty("data").GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Images(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Images),
        _ => [],
    };

    [Theory]
    [InlineData("its Xvfb was killed")]
    [InlineData("Desktop:Width changed")]
    public async Task A_desktop_left_broken_or_resized_is_stopped_to_the_last_process_and_replaced(string broken)
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
        Measurements.Record(
            $"desktop adoption: {broken}: {before.Count} processes before, {left.Count} left after the restart");
        left.ShouldBeEmpty();
        var fresh = DesktopWitness.Xvfb(DataDir);
        fresh.Pid.ShouldNotBe(xvfb.Pid);
        var newDisplay = DesktopWitness.DisplayOf(DataDir);
        (await LinuxProcesses.RunAsync("xdpyinfo", "-display", newDisplay))
            .ShouldContain($"dimensions:    {width}x{Height} pixels");
        (await DesktopWitness.WindowsAsync(newDisplay)).ShouldNotContain(_title);

        await second.StopAsync();
        ShouldLeaveNothing(second, newDisplay, $"clean stop after replacing a desktop ({broken})");
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
            var marked = DesktopWitness.Marked(DataDir);
            foreach (var command in new[] { "Xvfb", "x11vnc", "xfce4-session", "xfwm4" })
                marked.Count(p => p.Command == command).ShouldBe(1, $"cycle {cycle}: {command}");
            display ??= DesktopWitness.DisplayOf(DataDir);
            DesktopWitness.DisplayOf(DataDir).ShouldBe(display, $"cycle {cycle}");
            if (cycle < 9)
            {
                await host.KillAsync();
                continue;
            }
            adoptions.Sort();
            Measurements.Record($"desktop adoption: 10 kill -9 cycles, one display {display}; start to ready after a "
                + $"kill: median {adoptions[adoptions.Count / 2]} ms, max {adoptions[^1]} ms");
            await host.StopAsync();
            ShouldLeaveNothing(host, display, "clean stop after 10 kill -9 cycles");
        }
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
            ShouldLeaveNothing(second, display, "clean stop of one of two hosts");
        }

        otherProcesses.Where(p => !LinuxProcesses.IsAlive(p.Pid)).Select(p => $"{p.Pid} {p.Command}").ShouldBeEmpty();
        DesktopWitness.DisplayOf(otherDir).ShouldBe(otherDisplay);
        await other.StopAsync();
        DesktopWitness.All(otherDir, otherDisplay).ShouldBeEmpty();
    }
}
