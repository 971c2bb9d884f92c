using System.Diagnostics;

namespace Bytebot.Tests.E2E.Cli;

/// <summary>The built <c>bytebot</c> CLI (<c>dotnet Bytebot.Cli.dll</c>) run as a real process, with its own config dir.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Where the build put the CLI: the solution builds it next to the tests, in the same configuration.</summary>
    public static string Dll
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            var dll = Path.Combine(RepositoryRoot.Find(), "Bytebot.Cli", "bin", configuration, "net10.0", "Bytebot.Cli.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is not built; build Bytebot.sln first.");
        }
    }

    private CliProcess(IReadOnlyDictionary<string, string?> environment, string[] args, Action<string>? onLine)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment.Remove("BYTEBOT_URL");
        start.Environment.Remove("BYTEBOT_TOKEN");
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _stdoutClosed.TrySetResult();
                return;
            }
            lock (_stdout)
                _stdout.Add(e.Data);
            onLine?.Invoke(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                _stderrClosed.TrySetResult();
            else
                lock (_stderr)
                    _stderr.Add(e.Data);
        };
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> Stdout { get { lock (_stdout) return [.. _stdout]; } }

    public IReadOnlyList<string> Stderr { get { lock (_stderr) return [.. _stderr]; } }

    public static CliProcess Start(IReadOnlyDictionary<string, string?> environment, string[] args, Action<string>? onLine = null) =>
        new(environment, args, onLine);

    public static async Task<CliProcess> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var cli = Start(environment, args);
        await cli.WaitAsync(TimeSpan.FromSeconds(120));
        return cli;
    }

    public int ExitCode => _process.ExitCode;

    public async Task<int> WaitAsync(TimeSpan limit)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"bytebot did not exit within {limit}.\nstdout:\n{string.Join('\n', Stdout)}\nstderr:\n{string.Join('\n', Stderr)}");
        }
        return _process.ExitCode;
    }

    public override string ToString() =>
        $"exit {(_process.HasExited ? _process.ExitCode : -1)}\nstdout:\n{string.Join('\n', Stdout)}\nstderr:\n{string.Join('\n', Stderr)}";

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
