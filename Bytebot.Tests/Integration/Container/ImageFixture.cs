using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Bytebot.Platform.Os;
using Bytebot.Tests.Fakes.Llm;

namespace Bytebot.Tests.Integration.Container;

/// <summary>
/// The image <c>build/image --debootstrap</c> makes, run as one container on the host's network (loopback only: the
/// host listens on 127.0.0.1 at a free port, and reaches the fake Anthropic API on another). Its image, container
/// and volume are removed at the end; the debootstrap base and the package layer (<c>bytebot-runtime</c>) stay cached.
/// </summary>
public sealed class ImageFixture : IAsyncLifetime
{
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(45);
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromMinutes(5);

    private readonly string _id = Guid.NewGuid().ToString("N")[..10];

    public string Image => "bytebot-test:" + _id;
    public string Container => "bytebot-test-" + _id;
    public string Volume => "bytebot-test-" + _id;
    public int Port { get; } = LoopbackPort.Free();
    public string BaseUrl => "http://127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);
    public string Token { get; private set; } = "";
    public HttpClient Client { get; } = new();
    internal FakeLlmServer Llm { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Client.BaseAddress = new Uri(BaseUrl);
        Llm = await FakeLlmServer.StartAsync();
        try
        {
            await BuildAsync();
            await DockerCli.RunAsync("volume", "create", Volume);
            var clock = Stopwatch.StartNew();
            await DockerCli.RunAsync(["run", "--detach", "--name", Container, "--network", "host",
                "--label", "bytebot.test=ImageTests", "--volume", Volume + ":/data",
                "--env", "ASPNETCORE_URLS=" + BaseUrl,
                "--env", "ANTHROPIC_API_KEY=sk-ant-test",
                "--env", "ANTHROPIC_BASE_URL=" + Llm.BaseUrl.ToString().TrimEnd('/'),
                "--env", "Agent__Retry__BaseDelay=00:00:00.050",
                Image]);
            await WaitUntilReadyAsync();
            Console.WriteLine("container: first start (initdb, desktop) -> /health/ready 200 in "
                + $"{clock.Elapsed.TotalSeconds:F1} s");
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task BuildAsync()
    {
        var root = RepositoryRoot.Find();
        var log = Path.Combine(root, "artifacts", "image", "build.log");
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        // Niced: the tests of other collections run meanwhile, and their waits should not starve.
        var start = new ProcessStartInfo("nice")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        string[] arguments = ["-n", "10", Path.Combine(root, "build", "image"), "--debootstrap", "--tag", Image];
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        await using var writer = new StreamWriter(log) { AutoFlush = true };
        var lines = new List<string>();
        async Task CopyAsync(StreamReader reader)
        {
            while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                    writer.WriteLine(line);
                }
            }
        }
        var copying = Task.WhenAll(CopyAsync(process.StandardOutput), CopyAsync(process.StandardError));
        using var limit = new CancellationTokenSource(BuildLimit);
        await process.WaitForExitAsync(limit.Token);
        await copying;
        if (process.ExitCode != 0)
        {
            Assert.Fail($"build/image exited with {process.ExitCode} (log: {log}):\n"
                + string.Join('\n', lines.TakeLast(40)));
        }
        Console.WriteLine($"container: build/image in {clock.Elapsed.TotalSeconds:F0} s; "
            + lines.Last(l => l.StartsWith("build/image: " + Image, StringComparison.Ordinal)));
    }

    /// <summary>Polls until <c>/health/ready</c> answers 200 with the container's admin token, else fails.</summary>
    public async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + ReadyLimit;
        while (true)
        {
            if (await DockerCli.InspectAsync(Container, "{{.State.Running}}") != "true")
                Assert.Fail($"The container stopped: {await LogsAsync()}");
            if (Token.Length == 0
                && await DockerCli.TryRunAsync("exec", Container, "cat", "/data/admin-token") is (0, var token, _))
            {
                Token = token.Trim();
                Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            }
            if (Token.Length > 0 && await ReadyAsync())
                return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"The container was not ready within {ReadyLimit}: {await LogsAsync()}");
            await Task.Delay(200, CancellationToken.None);
        }
    }

    private async Task<bool> ReadyAsync()
    {
        try
        {
            using var response = await Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public async Task<string> LogsAsync()
    {
        var (_, output, error) = await DockerCli.TryRunAsync("logs", "--tail", "60", Container);
        return output + error;
    }

    public async ValueTask DisposeAsync()
    {
        await DockerCli.TryRunAsync("rm", "--force", "--volumes", Container);
        await DockerCli.TryRunAsync("volume", "rm", Volume);
        await DockerCli.TryRunAsync("rmi", Image);
        Client.Dispose();
        if (Llm is not null)
            await Llm.DisposeAsync();
    }
}
