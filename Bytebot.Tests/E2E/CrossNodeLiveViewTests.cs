using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E;

/// <summary>
/// Issue 15 acceptance 4: a task running on beta, opened in alpha's dashboard, paints beta's desktop, and takeover
/// input sent through alpha reaches beta's desktop. Two host processes on one PostgreSQL, each with its own X server
/// of a different size and root colour (and its own x11vnc), so a frame of the wrong desktop cannot pass. The two
/// hosts have different admin tokens: alpha reaches beta with the node credential it got for a join token (ADR 0065).
/// </summary>
public sealed class CrossNodeLiveViewTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string AlphaToken = "bbt_test_nodes_live0123456789abcdef";
    private const string BetaToken = "bbt_test_nodes_beta0123456789abcdef";
    private const string AlphaColour = "#1e6ed2";
    private const string BetaColour = "#c83264";

    private readonly string _workDir = Directory.CreateTempSubdirectory("bytebot-live-nodes-").FullName;
    private string _connectionString = "";
    private BareXvfb? _alphaScreen;
    private BareXvfb? _betaScreen;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync();
        _alphaScreen = await BareXvfb.StartAsync(800, 600, Ct);
        _betaScreen = await BareXvfb.StartAsync(640, 480, Ct);
        await RunAsync(_alphaScreen.Display, "xsetroot", "-solid", AlphaColour);
        await RunAsync(_betaScreen.Display, "xsetroot", "-solid", BetaColour);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var screen in new[] { _alphaScreen, _betaScreen })
        {
            if (screen is not null)
                await screen.DisposeAsync();
        }
        Directory.Delete(_workDir, recursive: true);
    }

    private Dictionary<string, string?> Settings(string name, BareXvfb screen, string? joinToken = null)
    {
        var settings = TasksHost.Settings(name, Path.Combine(_workDir, "actions.log"));
        settings["Node:Name"] = name;
        settings["Desktop:Vnc"] = "true";
        settings["DISPLAY"] = screen.Display;
        settings["ConnectionStrings:Bytebot"] = _connectionString;
        settings["BYTEBOT_TOKEN"] = name == "alpha" ? AlphaToken : BetaToken;
        settings["Node:JoinToken"] = joinToken;
        settings["BYTEBOT_DATA_DIR"] = Path.Combine(_workDir, name);
        // Long enough that the task is still running on beta while the page is opened and taken over.
        settings["Scripted:ActionMs"] = "1000";
        return settings;
    }

    [Fact]
    public async Task A_task_on_beta_opened_in_alphas_dashboard_paints_betas_desktop_and_takeover_input_reaches_beta()
    {
        await using var beta = await HostProcess.StartAsync(Settings("beta", _betaScreen!), Ct);
        await beta.WaitUntilReadyAsync(Ct);
        await using var alpha = await HostProcess.StartAsync(
            Settings("alpha", _alphaScreen!, await JoinTokenAsync(beta, "alpha")), Ct);
        await alpha.WaitUntilReadyAsync(Ct);
        var betaUrl = await WaitForUrlAsync(alpha, "beta");
        betaUrl.ShouldBe(beta.Client.BaseAddress!.ToString().TrimEnd('/') + "/", "a node advertises where it listens");

        var id = await TasksHost.CreateTaskAsync(alpha.Client, new { description = "steps:600", node = "beta" });
        await TasksHost.WaitUntilAsync(async () => (await alpha.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct))
            .GetProperty("status").GetString() == "RUNNING", TimeSpan.FromSeconds(60));

        await using var browser = await Browsers.LaunchChromiumAsync();
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 } });
        var page = await context.NewPageAsync();
        var alphaUrl = alpha.Client.BaseAddress!.ToString().TrimEnd('/');
        await DashboardBrowser.SignInAsync(page, alphaUrl, AlphaToken, $"/tasks/{id}");
        await Assertions.Expect(page.Locator("[data-live-pane] .live-desktop")).ToHaveAttributeAsync("data-node", "beta");

        var painted = await WaitForColourAsync(page, BetaColour);
        painted.ShouldBe([640, 480, 1], $"the canvas shows beta's 640×480 {BetaColour} screen, not alpha's 800×600");
        (await page.Locator(".live-desktop").GetAttributeAsync("data-state")).ShouldBe("connected");
        await Screenshots.SaveAsync(page, "task-on-another-node");

        using (var takeover = await alpha.Client.PostAsync(new Uri($"/api/tasks/{id}/takeover", UriKind.Relative), null, Ct))
            takeover.StatusCode.ShouldBe(HttpStatusCode.OK);
        await Assertions.Expect(page.Locator("[data-live-pane] .live-desktop")).ToHaveAttributeAsync("data-view-only", "false");
        await Assertions.Expect(page.Locator(".live-desktop")).ToHaveAttributeAsync("data-state", "connected");
        var alphaPointer = await PointerAsync(_alphaScreen!.Display);

        // The pointer goes where the browser moved it on beta's screen (canvas pixels map to desktop pixels).
        var target = (X: 123, Y: 87);
        var reached = false;
        var seen = (X: 0, Y: 0);
        var clock = Stopwatch.StartNew();
        while (!reached && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            var box = await page.EvaluateAsync<double[]>("""
                () => { const c = document.querySelector('.live-desktop canvas'); const r = c.getBoundingClientRect();
                        return [r.left, r.top, r.width / c.width, r.height / c.height]; }
                """);
            await page.Mouse.MoveAsync((float)(box[0] + (target.X + 0.5) * box[2]), (float)(box[1] + (target.Y + 0.5) * box[3]));
            await Task.Delay(200, Ct);
            seen = await PointerAsync(_betaScreen!.Display);
            // Fitting scales the canvas, so a browser pixel lands within a desktop pixel or two of the aim.
            reached = Math.Abs(seen.X - target.X) <= 2 && Math.Abs(seen.Y - target.Y) <= 2;
            target = (target.X + 1, target.Y);
        }
        reached.ShouldBeTrue($"takeover input sent to alpha reached beta's desktop (its pointer is at {seen})");
        (await PointerAsync(_alphaScreen.Display)).ShouldBe(alphaPointer, "alpha's own desktop got none of it");
    }

    [Fact]
    public async Task Another_nodes_live_view_needs_this_nodes_own_credential_and_is_refused_once_it_is_revoked()
    {
        await using var beta = await HostProcess.StartAsync(Settings("beta", _betaScreen!), Ct);
        await beta.WaitUntilReadyAsync(Ct);
        var alphaSettings = Settings("alpha", _alphaScreen!);
        var alpha = await HostProcess.StartAsync(alphaSettings, Ct);
        try
        {
            await alpha.WaitUntilReadyAsync(Ct);
            await WaitForUrlAsync(alpha, "beta");
            var notJoined = await UpgradeAsync(alpha, "/websockify?node=beta", "Bearer " + AlphaToken);
            notJoined.Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
            notJoined.Body.ShouldContain("node: this node has no node credential");
            await alpha.StopAsync();
        }
        finally
        {
            await alpha.DisposeAsync();
        }

        alphaSettings["Node:JoinToken"] = await JoinTokenAsync(beta, "alpha");
        await using var joined = await HostProcess.StartAsync(alphaSettings, Ct);
        await joined.WaitUntilReadyAsync(Ct);
        var unknown = await UpgradeAsync(joined, "/websockify?node=nobody", "Bearer " + AlphaToken);
        unknown.Status.ShouldBe(HttpStatusCode.NotFound);
        unknown.Body.ShouldContain("node: no node named nobody");
        (await UpgradeAsync(joined, "/websockify?node=beta", "Bearer " + AlphaToken)).Status
            .ShouldBe(HttpStatusCode.SwitchingProtocols);

        // On the wire: alpha's own credential opens beta's desktop; alpha's admin token does not.
        var stored = await File.ReadAllTextAsync(Path.Combine(_workDir, "alpha", "node-credential"), Ct);
        var secret = JsonDocument.Parse(stored).RootElement.GetProperty("Secret").GetString()!;
        (await UpgradeAsync(beta, "/websockify", "Node alpha:" + secret)).Status
            .ShouldBe(HttpStatusCode.SwitchingProtocols);
        (await UpgradeAsync(beta, "/websockify", "Bearer " + AlphaToken)).Status.ShouldBe(HttpStatusCode.Unauthorized);
        var used = (await beta.Client.GetFromJsonAsync<JsonElement>("/api/nodes/credentials", Ct))
            .EnumerateArray().Single();
        used.GetProperty("name").GetString().ShouldBe("alpha");
        used.GetProperty("lastUsedAt").ValueKind.ShouldBe(JsonValueKind.String);

        using (var revoke = await beta.Client.DeleteAsync(new Uri("/api/nodes/alpha/credential", UriKind.Relative), Ct))
            revoke.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var refused = await UpgradeAsync(joined, "/websockify?node=beta", "Bearer " + AlphaToken);
        refused.Status.ShouldBe(HttpStatusCode.BadGateway);
        refused.Body.ShouldContain("node: beta refused this node's credential (401)");
        var direct = await UpgradeAsync(beta, "/websockify", "Node alpha:" + secret);
        direct.Status.ShouldBe(HttpStatusCode.Unauthorized);
        direct.Body.ShouldContain("application/problem+json");
        direct.Body.ShouldContain("The credential of node alpha is unknown or revoked.");
    }

    private static async Task<string> JoinTokenAsync(HostProcess host, string node)
    {
        using var response = await host.Client.PostAsJsonAsync("/api/nodes/join-tokens", new { node }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("token").GetString()!;
    }

    // ClientWebSocket does not expose a refused upgrade's body, so the upgrade is written by hand: the answer is the
    // status line and, when refused, the problem+json naming the field.
    private static async Task<(HttpStatusCode Status, string Body)> UpgradeAsync(
        HostProcess host, string path, string authorization)
    {
        var address = host.Client.BaseAddress!;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port, Ct);
        var stream = tcp.GetStream();
        var request = $"GET {path} HTTP/1.1\r\nHost: {address.Authority}\r\n"
            + $"Authorization: {authorization}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request), Ct);
        using var reader = new StreamReader(stream);
        var buffer = new char[8192];
        var text = new System.Text.StringBuilder();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromSeconds(15));
        while (!IsWhole(text.ToString()))
        {
            var read = await reader.ReadAsync(buffer, limit.Token);
            if (read == 0)
                break;
            text.Append(buffer, 0, read);
        }
        var answer = text.ToString();
        return ((HttpStatusCode)int.Parse(answer.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), answer);
    }

    // An accepted upgrade has no body (the RFB bytes follow as WebSocket frames); a refusal ends with its JSON.
    private static bool IsWhole(string answer) =>
        answer.StartsWith("HTTP/1.1 101", StringComparison.Ordinal)
            ? answer.Contains("\r\n\r\n", StringComparison.Ordinal)
            : answer.Contains('}', StringComparison.Ordinal);

    private static async Task<string> WaitForUrlAsync(HostProcess host, string node)
    {
        string? url = null;
        await TasksHost.WaitUntilAsync(async () =>
        {
            var nodes = await host.Client.GetFromJsonAsync<JsonElement>("/api/nodes", Ct);
            url = nodes.EnumerateArray().FirstOrDefault(n => n.GetProperty("name").GetString() == node) is
                { ValueKind: JsonValueKind.Object } n && n.GetProperty("status").GetString() == "online"
                    && n.GetProperty("url").ValueKind == JsonValueKind.String
                ? n.GetProperty("url").GetString() : null;
            return url is not null;
        }, TimeSpan.FromSeconds(30));
        return url!;
    }

    /// <summary>[canvas width, canvas height, 1 when every sampled pixel has the colour] once it has, or after 30 s.</summary>
    private static async Task<int[]> WaitForColourAsync(IPage page, string colour)
    {
        const string Sample = """
            (hex) => {
              const canvas = document.querySelector('.live-desktop canvas');
              if (!canvas || canvas.width < 100) return [0, 0, 0];
              const want = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
              const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              let all = 1;
              for (let i = 0; i < data.length; i += 4 * 211)
                if (data[i] !== want[0] || data[i + 1] !== want[1] || data[i + 2] !== want[2]) { all = 0; break; }
              return [canvas.width, canvas.height, all];
            }
            """;
        var clock = Stopwatch.StartNew();
        int[] sampled = [0, 0, 0];
        while (clock.Elapsed < TimeSpan.FromSeconds(30) && sampled[2] == 0)
        {
            sampled = await page.EvaluateAsync<int[]>(Sample, colour);
            if (sampled[2] == 0)
                await Task.Delay(100, Ct);
        }
        return sampled;
    }

    private static async Task<(int X, int Y)> PointerAsync(string display)
    {
        var output = await RunAsync(display, "xdotool", "getmouselocation", "--shell");
        int Value(string name) => int.Parse(output.Split('\n').First(l => l.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..],
            System.Globalization.CultureInfo.InvariantCulture);
        return (Value("X"), Value("Y"));
    }

    private static async Task<string> RunAsync(string display, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["DISPLAY"] = display;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        process.ExitCode.ShouldBe(0, $"{program} {string.Join(' ', args)}: {await process.StandardError.ReadToEndAsync(Ct)}");
        return output;
    }
}
