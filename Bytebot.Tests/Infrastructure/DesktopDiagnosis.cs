using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Bytebot.Tests.Infrastructure;

/// <summary>
/// What a failed desktop test leaves for the reader: the screen, the focused window, the keyboard's layout and keymap,
/// written to <c>artifacts/diagnosis/</c>. Never throws: it runs while a test is already failing.
/// </summary>
public static class DesktopDiagnosis
{
    private static readonly string Directory = System.IO.Directory.CreateDirectory(
        Path.Combine(RepositoryRoot.Find(), "artifacts", "diagnosis")).FullName;

    /// <summary>Saves the diagnosis of <paramref name="display"/>; answers a summary naming its files.</summary>
    public static async Task<string> WriteAsync(string display, string name)
    {
        var time = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var stem = Path.Combine(Directory, $"{name}-{time}");
        var focus = await RunAsync(display, "xdotool", "getwindowfocus", "getwindowname");
        var layout = await RunAsync(display, "setxkbmap", "-query");
        var report = new StringBuilder()
            .Append("display ").Append(display).Append(", focus: ").AppendLine(focus)
            .AppendLine(layout)
            .AppendLine(await RunAsync(display, "xset", "q"))
            .AppendLine(await RunAsync(display, "xmodmap", "-pm"))
            .AppendLine(await RunAsync(display, "xmodmap", "-pke"))
            .AppendLine(await RunAsync(display, "xwininfo", "-root", "-tree"));
        await File.WriteAllTextAsync(stem + ".txt", report.ToString());
        await RunAsync(display, "import", "-window", "root", stem + ".png");
        return $"focus on {display}: {focus.Trim()}; layout: {layout.ReplaceLineEndings(" ").Trim()}; "
            + $"see {stem}.txt and .png";
    }

    private static async Task<string> RunAsync(string display, string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["DISPLAY"] = display;
        try
        {
            using var process = Process.Start(info)!;
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var output = process.StandardOutput.ReadToEndAsync(limit.Token);
            var error = process.StandardError.ReadToEndAsync(limit.Token);
            await process.WaitForExitAsync(limit.Token);
            return $"{await output}{await error}";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            return $"{fileName}: {e.Message}";
        }
    }
}
