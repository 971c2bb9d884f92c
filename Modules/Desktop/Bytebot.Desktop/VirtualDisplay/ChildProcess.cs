using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bytebot.Desktop.X11;
using Bytebot.Platform.Os;
using Microsoft.Extensions.Logging;

namespace Bytebot.Desktop.VirtualDisplay;

/// <summary>
/// One OS process we started, with everything it starts in turn: output drained into the log, stopped by PID and
/// never by name. Descendants inherit a marker variable, which is how we find exactly the processes we own.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private const string MarkerVariable = "BYTEBOT_DESKTOP_CHILD";
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    private readonly Process _process;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private readonly byte[] _marker;

    private ChildProcess(string name, Process process, byte[] marker, ILogger logger)
    {
        Name = name;
        _process = process;
        _marker = marker;
        _logger = logger;
    }

    public string Name { get; }
    public int Pid { get; private set; }

    /// <remarks>Completes when the process itself exits, even while its descendants still hold the output pipes open.</remarks>
    public Task Exited => _exited.Task;

    public bool IsRunning => !_exited.Task.IsCompleted;

    public static ChildProcess Start(string name, IReadOnlyList<string> command, string? display, ILogger logger)
    {
        // setsid: a Ctrl+C in the host's terminal reaches the host's process group only, so the host stops the
        // desktop in order instead of the terminal killing Xvfb and x11vnc under it. It execs in place (the
        // runtime's child is no group leader), so the PID we hold is the program's own.
        var info = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command)
            info.ArgumentList.Add(argument);
        if (display is not null)
            info.Environment["DISPLAY"] = display;
        var marker = Guid.NewGuid().ToString("N");
        info.Environment[MarkerVariable] = marker;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, Encoding.ASCII.GetBytes($"{MarkerVariable}={marker}\0"), logger);
        process.Exited += (_, _) => child._exited.TrySetResult();
        process.OutputDataReceived += (_, e) => child.Log(e.Data);
        process.ErrorDataReceived += (_, e) => child.Log(e.Data);
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }
        child.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var commandLine = string.Join(' ', command);
        DesktopLog.ChildStarted(logger, name, child.Pid, commandLine);
        return child;
    }

    public int? ExitCode => IsRunning ? null : _process.ExitCode;

    /// <summary>
    /// Live processes this child is responsible for: itself and every descendant, found by the marker in their
    /// environment. Session ids are not enough: xfce4-session starts ssh-agent and gpg-agent, which setsid away.
    /// </summary>
    public IReadOnlyList<int> Members()
    {
        List<int> members = [];
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && HasMarker(pid) && LinuxProcess.IsRunning(pid))
                members.Add(pid);
        }
        return members;
    }

    /// <summary>SIGTERM to every member, up to 3 s for them to go, then SIGKILL to whatever is left.</summary>
    public async Task StopAsync()
    {
        if (!Signal(LibC.SigTerm))
            return;
        var deadline = Stopwatch.StartNew();
        while (Members().Count > 0 && deadline.Elapsed < Grace)
            await Task.Delay(50).ConfigureAwait(false);
        if (Members() is { Count: > 0 } stubborn)
        {
            var names = string.Join(", ", stubborn.Select(pid => $"{pid} {CommandName(pid)}"));
            DesktopLog.ChildKilled(_logger, Name, Pid, names);
            // A member may fork between listing and signalling; a few rounds catch its children too.
            for (var round = 0; round < 10 && Signal(LibC.SigKill); round++)
                await Task.Delay(50).ConfigureAwait(false);
        }
        // Exited fires once the runtime has reaped the child; waiting keeps its PID from being reused under us.
        await Task.WhenAny(_exited.Task, Task.Delay(Grace)).ConfigureAwait(false);
    }

    public void Kill()
    {
        if (IsRunning)
            _ = LibC.Kill(Pid, LibC.SigKill);
    }

    private bool Signal(int signal)
    {
        var members = Members();
        foreach (var member in members)
            _ = LibC.Kill(member, signal);
        return members.Count > 0;
    }

    private bool HasMarker(int pid)
    {
        try
        {
            return File.ReadAllBytes($"/proc/{pid}/environ").AsSpan().IndexOf(_marker) >= 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string CommandName(int pid) => LinuxProcess.Stat(pid)?.Command ?? "?";

    private void Log(string? line)
    {
        if (!string.IsNullOrEmpty(line))
            DesktopLog.ChildOutput(_logger, Name, line);
    }

    public void Dispose() => _process.Dispose();
}
