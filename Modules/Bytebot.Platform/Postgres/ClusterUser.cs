using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Bytebot.Platform.Postgres;

/// <summary>
/// Runs the PostgreSQL tools as the user that owns the cluster: the host user, or the unprivileged
/// <c>postgres</c> system user when the host is root, because initdb and postgres refuse to run as root.
/// </summary>
internal static class ClusterUser
{
    private const string SystemUser = "postgres";

    public static bool HostIsRoot => Environment.IsPrivilegedProcess;

    public static async Task<string> RunAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = HostIsRoot ? new ProcessStartInfo("runuser") : new ProcessStartInfo(tool);
        if (HostIsRoot)
        {
            foreach (var argument in new[] { "-u", SystemUser, "--", tool })
                startInfo.ArgumentList.Add(argument);
        }
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        var (exitCode, output) = await RunProcessAsync(startInfo, cancellationToken);
        if (exitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(tool)} exited with {exitCode}: {output.Trim()}");
        return output;
    }

    /// <summary>Hands a file or directory the host just created to the cluster user.</summary>
    public static async Task GiveAsync(string path, CancellationToken cancellationToken)
    {
        if (!HostIsRoot)
            return;
        var startInfo = new ProcessStartInfo("chown");
        foreach (var argument in new[] { "-R", SystemUser + ":", path })
            startInfo.ArgumentList.Add(argument);
        var (exitCode, output) = await RunProcessAsync(startInfo, cancellationToken);
        if (exitCode != 0)
            throw new InvalidOperationException($"chown {path} exited with {exitCode}: {output.Trim()}");
    }

    /// <summary>
    /// Lets the cluster user reach <paramref name="path"/> by adding only the search bit to directories it
    /// cannot traverse (e.g. /root is 0700): without it postgres cannot open its own data directory.
    /// </summary>
    public static async Task EnsureTraversableAsync(string path, ILogger logger, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows() || !HostIsRoot || await CanTraverseAsync(path, cancellationToken))
            return;
        var ancestors = new List<string>();
        for (var dir = path; !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
            ancestors.Insert(0, dir);
        foreach (var ancestor in ancestors)
        {
            if (await CanTraverseAsync(ancestor, cancellationToken))
                continue;
            File.SetUnixFileMode(ancestor, File.GetUnixFileMode(ancestor) | UnixFileMode.OtherExecute);
            logger.SearchPermissionAdded(ancestor, SystemUser);
        }
    }

    private static async Task<bool> CanTraverseAsync(string directory, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("runuser");
        foreach (var argument in new[] { "-u", SystemUser, "--", "test", "-x", directory })
            startInfo.ArgumentList.Add(argument);
        var (exitCode, _) = await RunProcessAsync(startInfo, cancellationToken);
        return exitCode == 0;
    }

    internal static async Task<(int ExitCode, string Output)> RunProcessAsync(
        ProcessStartInfo startInfo, CancellationToken cancellationToken)
    {
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        // The cluster user may not be allowed into the host's working directory (e.g. /root).
        startInfo.WorkingDirectory = "/";
        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = new StringBuilder().Append(await stdout).Append(await stderr).ToString();
        return (process.ExitCode, output);
    }
}
