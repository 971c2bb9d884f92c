using System.Diagnostics;

namespace Bytebot.Tests.Integration.Container;

/// <summary>The <c>docker</c> command, as a user would type it.</summary>
internal static class DockerCli
{
    public static async Task<string> RunAsync(params string[] arguments)
    {
        var (exitCode, output, error) = await TryRunAsync(arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"docker {string.Join(' ', arguments)} exited with {exitCode}: {error}");
        }
        return output.Trim();
    }

    public static async Task<(int ExitCode, string Output, string Error)> TryRunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        await process.WaitForExitAsync(CancellationToken.None);
        return (process.ExitCode, await output, await error);
    }

    public static async Task<string> InspectAsync(string name, string format) =>
        await RunAsync("inspect", "-f", format, name);
}
