using System.Diagnostics;

namespace Bytebot.Tests.Integration.Desktop;

internal static class LinuxProcesses
{
    public static bool IsAlive(int pid) => Bytebot.Platform.Os.LinuxProcess.IsRunning(pid);

    public static string CommandName(int pid) => Bytebot.Platform.Os.LinuxProcess.Stat(pid)?.Command ?? "";

    /// <summary>The <c>dimensions:</c> line xdpyinfo prints for <paramref name="display"/>.</summary>
    public static async Task<string> ScreenDimensionsAsync(string display) =>
        (await RunAsync("xdpyinfo", "-display", display)).Split('\n')
            .Single(line => line.Contains("dimensions:", StringComparison.Ordinal)).Trim();

    public static async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        process.ExitCode.ShouldBe(0, $"{fileName} failed: {await error}");
        return await output;
    }
}
