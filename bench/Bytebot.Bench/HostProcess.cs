using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;

namespace Bytebot.Bench;

/// <summary>The published host as a separate process on a free loopback port, stopped by PID with SIGTERM.</summary>
internal sealed partial class HostProcess : IAsyncDisposable
{
    public const string Token = "bench-token";

    private readonly Process _process;

    private HostProcess(Process process, HttpClient http, Stopwatch clock)
    {
        _process = process;
        Http = http;
        Clock = clock;
    }

    public HttpClient Http { get; }

    /// <summary>Started just before the process.</summary>
    public Stopwatch Clock { get; }

    public int Pid => _process.Id;

    public static HostProcess Start(string hostDll, IDictionary<string, string> environment)
    {
        var port = Bytebot.Platform.Os.LoopbackPort.Free();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(hostDll);
        start.Environment.Remove("DISPLAY");
        start.Environment.Remove("ConnectionStrings__Bytebot");
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["BYTEBOT_TOKEN"] = Token;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Security__RateLimitBurst"] = "1000000";
        start.Environment["Security__RateLimitPerSecond"] = "1000000";
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var clock = Stopwatch.StartNew();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(process, http, clock);
    }

    /// <summary>Polls until <paramref name="path"/> answers 200; returns the time since the process started.</summary>
    public async Task<double> WaitForAsync(string path)
    {
        while (Clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"host exited with {_process.ExitCode} before {path} answered");
            try
            {
                using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                    return Clock.Elapsed.TotalMilliseconds;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // slow first answer while starting
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"{path} did not answer 200 within 3 minutes");
    }

    public double ResidentMiB()
    {
        var line = File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    /// <summary>SIGKILL to the host and its desktop's children: a crash, no shutdown code runs.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        _ = Kill(_process.Id, 15);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        Http.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
