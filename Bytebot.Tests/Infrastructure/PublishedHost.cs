using System.Diagnostics;
using System.Globalization;

namespace Bytebot.Tests.Infrastructure;

/// <summary>
/// The published way of running: <c>dotnet Bytebot.Host.dll</c> as its own process with a managed desktop, started
/// from a working directory of its caller's choosing; disposing kills what is left of it with its children.
/// </summary>
public sealed class PublishedHost : IDisposable
{
    private static readonly string HostAssembly =
        Path.Combine(RepositoryRoot.Find(), "Bytebot.Host", "bin", "Release", "net10.0", "Bytebot.Host.dll");

    private bool _disposed;

    private PublishedHost(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    /// <summary>
    /// Starts the host and returns once <c>/health/live</c> answers (90 s at most); <paramref name="environment"/> is
    /// set last, so it may replace the defaults (for instance an External desktop).
    /// </summary>
    public static async Task<PublishedHost> StartAsync(
        string baseUrl, string token, string database, string dataDir, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet", [HostAssembly, "--urls", baseUrl])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["BYTEBOT_DATA_DIR"] = dataDir;
        start.Environment["BYTEBOT_TOKEN"] = token;
        start.Environment["ConnectionStrings__Bytebot"] = database;
        start.Environment["Desktop__Mode"] = "Managed";
        start.Environment["Desktop__WorkspaceRoot"] = Path.Combine(dataDir, "workspace");
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        var host = new PublishedHost(Process.Start(start)!);
        using var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(90));
        while (true)
        {
            try
            {
                using var response = await client.GetAsync("/health/live", limit.Token);
                if (response.IsSuccessStatusCode)
                    return host;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(250, limit.Token);
        }
    }

    /// <summary>
    /// SIGTERM, as a service manager stops it (the host stops its desktop's children by PID on the way out); what is
    /// still running after the grace a service manager gives is killed with its children.
    /// </summary>
    public async Task StopAsync()
    {
        var pid = Process.Id.ToString(CultureInfo.InvariantCulture);
        using (var term = Process.Start("kill", ["-TERM", pid]))
            await term.WaitForExitAsync(TestContext.Current.CancellationToken);
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        grace.CancelAfter(TimeSpan.FromSeconds(45));
        await Process.WaitForExitAsync(grace.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Dispose();
    }

    /// <summary>SIGKILL to the host and its children: no shutdown code runs (a crash, a power cut).</summary>
    public void Kill() => Dispose();

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }
        Process.Dispose();
    }
}
