using System.Diagnostics;
using System.Globalization;
using Bytebot.Desktop.Native;
using Microsoft.Extensions.Logging;

namespace Bytebot.Desktop.VirtualDisplay;

/// <summary>One OS process we started: output drained into the log, stopped by PID (or by session) and never by name.</summary>
internal sealed class ChildProcess : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    private readonly Process _process;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;

    private ChildProcess(string name, Process process, bool ownsSession, ILogger logger)
    {
        Name = name;
        _process = process;
        OwnsSession = ownsSession;
        _logger = logger;
    }

    public string Name { get; }
    public int Pid { get; private set; }

    /// <summary>The child is the leader of its own session and process group (via setsid), so its whole tree can be stopped.</summary>
    public bool OwnsSession { get; }

    /// <remarks>Completes when the process itself exits, even while its descendants still hold the output pipes open.</remarks>
    public Task Exited => _exited.Task;

    public bool IsRunning => !_exited.Task.IsCompleted;

    public static ChildProcess Start(string name, IReadOnlyList<string> command, string? display, bool ownSession, ILogger logger)
    {
        var info = new ProcessStartInfo(ownSession ? "setsid" : command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in ownSession ? command : command.Skip(1))
            info.ArgumentList.Add(argument);
        if (display is not null)
            info.Environment["DISPLAY"] = display;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, ownSession, logger);
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

    /// <summary>Live processes this child is responsible for: itself and, for a session leader, every process left in its session.</summary>
    public IReadOnlyList<int> Members()
    {
        if (!OwnsSession)
            return IsRunning ? [Pid] : [];
        return SessionMembers(Pid);
    }

    /// <summary>SIGTERM, up to 3 s to go, then SIGKILL; for a session leader the whole group and session.</summary>
    public async Task StopAsync()
    {
        if (Members().Count == 0)
            return;
        Signal(LibC.SigTerm);
        var deadline = Stopwatch.StartNew();
        while (Members().Count > 0 && deadline.Elapsed < Grace)
            await Task.Delay(50).ConfigureAwait(false);
        if (Members().Count > 0)
        {
            DesktopLog.ChildKilled(_logger, Name, Pid);
            Signal(LibC.SigKill);
        }
        // Exited fires once the runtime has reaped the child; waiting keeps its PID from being reused under us.
        await Task.WhenAny(_exited.Task, Task.Delay(Grace)).ConfigureAwait(false);
    }

    public void Kill() => Signal(LibC.SigKill);

    private void Signal(int signal)
    {
        if (OwnsSession)
        {
            _ = LibC.Kill(-Pid, signal);
            // A descendant may have moved to a process group of its own yet still sits in our session.
            foreach (var member in SessionMembers(Pid))
                _ = LibC.Kill(member, signal);
        }
        else if (IsRunning)
        {
            _ = LibC.Kill(Pid, signal);
        }
    }

    private void Log(string? line)
    {
        if (!string.IsNullOrEmpty(line))
            DesktopLog.ChildOutput(_logger, Name, line);
    }

    /// <summary>Processes whose session id is <paramref name="sessionId"/>, zombies excluded (they are gone, only unreaped).</summary>
    internal static IReadOnlyList<int> SessionMembers(int sessionId)
    {
        List<int> members = [];
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            if (ReadStat(pid) is { } stat && stat.Session == sessionId && stat.State != 'Z')
                members.Add(pid);
        }
        return members;
    }

    internal static (char State, int Session)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // The command name in parentheses may contain spaces; the fields after the last ')' are fixed:
        // state ppid pgrp session ...
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (fields[0][0], int.Parse(fields[3], CultureInfo.InvariantCulture));
    }

    public void Dispose() => _process.Dispose();
}
