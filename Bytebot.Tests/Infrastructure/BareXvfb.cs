using System.Diagnostics;

namespace Bytebot.Tests.Infrastructure;

/// <summary>A plain X server (no desktop session) for host child processes run with <c>Desktop:Mode=External</c>.</summary>
public sealed class BareXvfb : IAsyncDisposable
{
    private readonly Process _process;

    private BareXvfb(Process process, string display)
    {
        _process = process;
        Display = display;
    }

    public string Display { get; }

    public static async Task<BareXvfb> StartAsync(int width, int height, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("Xvfb") { RedirectStandardOutput = true, UseShellExecute = false };
        // An explicit number whose socket is free: this Xvfb writes no lock file here, so -displayfd alone gave two
        // servers started one after the other the same display, the second taking over the first one's socket.
        var number = Enumerable.Range(Random.Shared.Next(300, 900), 100)
            .First(n => !File.Exists($"/tmp/.X11-unix/X{n}") && !File.Exists($"/tmp/.X{n}-lock"));
        foreach (var arg in new[] { ":" + number, "-displayfd", "1", "-screen", "0", $"{width}x{height}x24", "-nolisten", "tcp", "-nolisten", "local", "-noreset" })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        return new BareXvfb(process, ":" + (await process.StandardOutput.ReadLineAsync(cancellationToken))!.Trim());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        _process.Dispose();
    }
}
