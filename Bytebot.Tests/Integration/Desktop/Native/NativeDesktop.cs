using System.Diagnostics;
using Bytebot.Desktop.Driver;

namespace Bytebot.Tests.Integration.Desktop.Native;

/// <summary>
/// A managed desktop started through AddDesktopModule with only xfwm4 as its session (a click gives focus, and
/// nothing pops up by itself), plus the driver the module registers. Shared by a test class.
/// </summary>
public sealed class NativeDesktop : IAsyncLifetime
{
    private readonly List<Process> _apps = [];

    internal DesktopHost Host { get; private set; } = null!;

    internal IDesktopDriver Driver => (IDesktopDriver)Host.Services.GetService(typeof(IDesktopDriver))!;

    public string Display => Host.Desktop.Display;

    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("bytebot-native-").FullName;

    public async ValueTask InitializeAsync()
    {
        Host = await DesktopHost.StartAsync(new Dictionary<string, string?>
        {
            ["Desktop:Mode"] = "Managed",
            ["Desktop:Session"] = "xfwm4",
            ["Desktop:Vnc"] = "false",
        });
        await Host.WaitUntilHealthyAsync();
        await WaitForAsync(() => Host.Desktop.Session is { IsRunning: true } && WindowManagerRuns(), "xfwm4 to run");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps.ToArray())
            StopApp(app);
        await Host.DisposeAsync();
        Directory.Delete(WorkDirectory, recursive: true);
    }

    /// <summary>An xterm at a fixed place whose shell runs <paramref name="script"/> in <see cref="WorkDirectory"/>.</summary>
    public async Task<Process> StartXtermAsync(string title, string geometry, string script)
    {
        var info = new ProcessStartInfo("xterm") { WorkingDirectory = WorkDirectory };
        foreach (var argument in new[] { "-fa", "DejaVu Sans Mono", "-fs", "12", "-sl", "1000", "-geometry", geometry, "-T", title, "-e", "bash", "--norc", "-c", script })
            info.ArgumentList.Add(argument);
        info.Environment["DISPLAY"] = Display;
        info.Environment["LC_ALL"] = "C.UTF-8";
        var process = Process.Start(info)!;
        _apps.Add(process);
        await WaitForAsync(() => Xdotool("search", "--onlyvisible", "--name", "^" + title + "$").Length > 0, $"window '{title}'");
        return process;
    }

    public void StopApp(Process app)
    {
        if (!app.HasExited)
            app.Kill(entireProcessTree: true);
        app.WaitForExit(5000);
        app.Dispose();
        _apps.Remove(app);
    }

    public string FocusedWindowName() => Xdotool("getwindowfocus", "getwindowname").Trim();

    public string Xdotool(params string[] arguments) => Run("xdotool", arguments).Output;

    public (int ExitCode, string Output) Run(string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["DISPLAY"] = Display;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    public byte[] RunBytes(string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["DISPLAY"] = Display;
        using var process = Process.Start(info)!;
        using var buffer = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(buffer);
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, $"{fileName} {string.Join(' ', arguments)} failed: {process.StandardError.ReadToEnd()}");
        return buffer.ToArray();
    }

    public static async Task WaitForAsync(Func<bool> condition, string what, double seconds = 20)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed.TotalSeconds > seconds)
                Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private bool WindowManagerRuns() => Run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK").Output.Contains("window id", StringComparison.Ordinal);
}
