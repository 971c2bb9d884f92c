using System.Diagnostics;
using System.ComponentModel;

namespace Bytebot.Desktop.Features.Apps;

internal sealed record CommandOutput(int ExitCode, string StandardOutput);

/// <summary>Runs the desktop's helper programs (wmctrl, the apps); a seam so the application action can be unit-tested.</summary>
internal interface ICommandRunner
{
    /// <summary>Runs to completion (killed after <paramref name="timeout"/>); a missing program answers exit code 127 like a shell.</summary>
    Task<CommandOutput> RunAsync(IReadOnlyList<string> command, string display, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Starts a program in its own session, detached from the host, so it outlives requests and host restarts.</summary>
    Task StartDetachedAsync(IReadOnlyList<string> command, string display, CancellationToken cancellationToken);
}

/// <param name="sessionDataDirectory">
/// The managed desktop's data dir: the apps it starts get the session's own environment (its XFCE and editor defaults,
/// its runtime dir), as the session's own programs do. Null for a desktop we do not manage.
/// </param>
internal sealed class ProcessCommandRunner(string? sessionDataDirectory = null) : ICommandRunner
{
    public Task<CommandOutput> RunAsync(
        IReadOnlyList<string> command, string display, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsync(StartInfo(command, display), timeout, cancellationToken);

    private static async Task<CommandOutput> RunAsync(
        ProcessStartInfo start, TimeSpan timeout, CancellationToken cancellationToken)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception)
        {
            return new CommandOutput(127, "");
        }
        using (process)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
                _ = process.StandardError.ReadToEndAsync(deadline.Token);
                await process.WaitForExitAsync(deadline.Token);
                return new CommandOutput(process.ExitCode, await output);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw;
            }
        }
    }

    public async Task StartDetachedAsync(IReadOnlyList<string> command, string display, CancellationToken cancellationToken)
    {
        // setsid -f returns as soon as the child is forked; the shell drops the host's stdio so the app never blocks on a pipe.
        List<string> detached = ["setsid", "-f", "sh", "-c", "exec \"$@\" </dev/null >/dev/null 2>&1", "sh", .. command];
        var start = StartInfo(detached, display);
        if (sessionDataDirectory is not null)
            Bytebot.Desktop.VirtualDisplay.SessionDefaults.Apply(start.Environment, sessionDataDirectory);
        var result = await RunAsync(start, TimeSpan.FromSeconds(10), cancellationToken);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"setsid exited with {result.ExitCode} starting {command[0]}.");
    }

    private static ProcessStartInfo StartInfo(IReadOnlyList<string> command, string display)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (var argument in command.Skip(1))
            start.ArgumentList.Add(argument);
        start.Environment["DISPLAY"] = display;
        Bytebot.Desktop.Accessibility.AccessibilityEnvironment.Apply(start.Environment);
        return start;
    }
}
