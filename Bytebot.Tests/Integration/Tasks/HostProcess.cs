using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Bytebot.Tests.Integration.Tasks;

/// <summary>The real host with the scripted agent in a child process (see <c>Program.cs</c>), killable with SIGKILL.</summary>
internal sealed class HostProcess : IAsyncDisposable
{
    public const string ListeningPrefix = "BYTEBOT_LISTENING ";

    private readonly Process _process;
    private readonly List<string> _output;

    private HostProcess(Process process, string baseUrl, string token, List<string> output)
    {
        _process = process;
        _output = output;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public HttpClient Client { get; }

    public int Pid => _process.Id;

    /// <summary>How the process ended, for a failure message: still running, or its exit code.</summary>
    public string Ending => _process.HasExited ? $"exited with code {_process.ExitCode}" : "still running";

    /// <summary>What the host wrote to stdout and stderr so far (its log).</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
                return [.. _output];
        }
    }

    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var settingsPath = Path.Combine(Path.GetTempPath(), $"bytebot-host-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(settingsPath, JsonSerializer.Serialize(settings), cancellationToken);
        var processPath = Environment.ProcessPath!;
        var start = new ProcessStartInfo(processPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // Under `dotnet Bytebot.Tests.dll` the process is the muxer and needs the assembly; the apphost does not.
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet")
            start.ArgumentList.Add(typeof(HostProcess).Assembly.Location);
        start.ArgumentList.Add("--bytebot-host");
        start.ArgumentList.Add(settingsPath);
        var process = Process.Start(start)!;
        try
        {
            return await WaitUntilListeningAsync(process, settings, cancellationToken);
        }
        finally
        {
            // The child has read its settings (or is gone): nothing is left behind in /tmp.
            File.Delete(settingsPath);
        }
    }

    private static async Task<HostProcess> WaitUntilListeningAsync(Process process, IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var output = new List<string>();
        _ = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(CancellationToken.None) is { } line)
                lock (output)
                    output.Add(line);
        }, CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
                throw new InvalidOperationException($"The host process exited before listening: {string.Join('\n', output.TakeLast(30))}");
            if (line.StartsWith(ListeningPrefix, StringComparison.Ordinal))
            {
                var host = new HostProcess(process, line[ListeningPrefix.Length..], settings["BYTEBOT_TOKEN"]!, output);
                // Drained so the child never blocks on a full pipe.
                _ = Task.Run(async () =>
                {
                    while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } more)
                        lock (output)
                            output.Add(more);
                }, CancellationToken.None);
                return host;
            }
            lock (output)
                output.Add(line);
        }
    }

    /// <summary>Waits for <c>/health/ready</c> to answer 200; returns when that happened.</summary>
    public async Task<DateTimeOffset> WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        var last = "no answer";
        try
        {
            while (true)
            {
                try
                {
                    using var response = await Client.GetAsync(new Uri("/health/ready", UriKind.Relative), limit.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                        return DateTimeOffset.UtcNow;
                    last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(limit.Token)}";
                }
                catch (HttpRequestException e)
                {
                    // Not listening yet.
                    last = e.Message;
                }
                await Task.Delay(50, limit.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // What was not ready, and what the host said last, are what a failed CI run needs.
            throw new TimeoutException($"The host was not ready within 60 s; /health/ready answered {last}; "
                + $"its log ends:\n{string.Join('\n', Output.TakeLast(40))}");
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>A clean stop: closing stdin makes the host stop its services in order and exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
            return;
        _process.StandardInput.Close();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(limit.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Client.Dispose();
        _process.Dispose();
    }
}
