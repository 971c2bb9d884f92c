using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.E2E;
using Bytebot.Tests.Fakes.Llm;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Desktop;
using Bytebot.Tests.Integration.Desktop.Native;
using Microsoft.Playwright;

namespace Bytebot.Tests.Integration.Container;

/// <summary>One <c>docker run</c> of the image is the whole product, checked from outside the container.</summary>
[Collection(OneDesktopAtATime.Name)]
public sealed class ImageTests(ImageFixture container) : IClassFixture<ImageFixture>
{
    private const string Claude = "claude-sonnet-4-20250514";
    private static readonly TimeSpan TaskLimit = TimeSpan.FromMinutes(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_container_is_ready_with_database_display_and_VNC_and_nothing_in_it_runs_as_root()
    {
        await container.WaitUntilReadyAsync();

        using var ready = await container.Client.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        var components = (await ready.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("components");
        foreach (var component in new[] { "database", "display", "vnc" })
            components.GetProperty(component).GetProperty("status").GetString().ShouldBe("Healthy", component);
        using var anonymous = new HttpClient { BaseAddress = new Uri(container.BaseUrl) };
        (await anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct)).StatusCode
            .ShouldBe(HttpStatusCode.Unauthorized);

        var processes = (await DockerCli.RunAsync("exec", container.Container, "ps", "-eo", "pid=,user=,comm="))
            .Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        processes.Single(p => p[0] == "1")[2].ShouldBe("tini");
        processes.Select(p => p[2]).ShouldContain("Bytebot.Host");
        processes.Select(p => p[2]).ShouldContain("postgres");
        processes.Select(p => p[2]).ShouldContain("Xvfb");
        processes.Where(p => p[1] != "bytebot").ShouldBeEmpty();
        (await DockerCli.InspectAsync(container.Image, "{{index .Config.Labels \"org.opencontainers.image.title\"}}"))
            .ShouldBe("Bytebot for .NET");
        // The image's HEALTHCHECK asks /health/ready with the token from the data volume.
        (await WaitForAsync(async () => await DockerCli.InspectAsync(container.Container, "{{.State.Health.Status}}"),
            "healthy", TimeSpan.FromMinutes(3), "unhealthy")).ShouldBe("healthy");
    }

    [Fact]
    public async Task The_dashboard_is_styled_and_its_live_view_paints_the_containers_desktop()
    {
        await container.WaitUntilReadyAsync();
        await using var browser = await Browsers.LaunchChromiumAsync();
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 } });

        await DashboardBrowser.SignInAsync(page, container.BaseUrl, container.Token, "/desktop");

        (await DashboardBrowser.AppBarColourAsync(page)).ShouldBe(DashboardBrowser.LightAppBar, "unstyled");
        var colours = await LiveDesktopTests.WaitForFramesAsync(page);
        colours.ShouldBeGreaterThanOrEqualTo(20, "the live view stayed blank");
        (await page.Locator(".live-desktop").GetAttributeAsync("data-state")).ShouldBe("connected");
        await Screenshots.SaveAsync(page, "container-desktop");
        await page.GotoAsync(container.BaseUrl + "/status");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("Healthy");
        await Screenshots.SaveAsync(page, "container-status");
    }

    [Fact]
    public async Task A_computer_use_screenshot_is_the_containers_desktop_at_its_configured_size()
    {
        await container.WaitUntilReadyAsync();

        // Ready means X answers; XFCE may still be drawing its panel and wallpaper (a black screen for a moment, seen
        // once in CI), so the test looks again until the desktop shows or a minute has passed.
        var (width, height, colours) = (0, 0, 0);
        for (var deadline = DateTime.UtcNow.AddMinutes(1); colours < 20 && DateTime.UtcNow < deadline;)
        {
            using var response = await container.Client.PostAsJsonAsync("/computer-use", new { action = "screenshot" }, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.Created);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            var png = PngImage.Decode(Convert.FromBase64String(body.GetProperty("image").GetString()!));
            (width, height) = (png.Width, png.Height);
            // The XFCE panel and icons on the wallpaper: a blank or black screen has one or two colours.
            colours = Enumerable.Range(0, png.Width * png.Height / 97)
                .Select(i => i * 97 * 3)
                .Select(o => (png.Rgb[o] << 16) | (png.Rgb[o + 1] << 8) | png.Rgb[o + 2])
                .Distinct().Count();
            if (colours < 20)
                await Task.Delay(500, Ct);
        }

        (width, height).ShouldBe((1280, 960));
        colours.ShouldBeGreaterThanOrEqualTo(20, "the container's desktop stayed blank for a minute");
    }

    [Fact]
    public async Task A_task_on_the_scripted_model_completes_and_its_output_file_downloads_from_outside()
    {
        await container.WaitUntilReadyAsync();
        var report = "name,total\nalpha,1\n"u8.ToArray();

        var (id, _) = await RunWritingTaskAsync("report.csv", report);

        await ShouldDownloadOutputAsync(id, "Desktop/report.csv", report);
        var requests = container.Llm.Requests.Where(r => r.Path == FakeLlmServer.AnthropicMessages).ToList();
        requests.Count.ShouldBe(3);
        requests[0].Headers["authorization"].ShouldBe("Bearer sk-ant-test");
    }

    [Fact]
    public async Task Tasks_blobs_and_the_token_survive_docker_stop_and_start_and_a_docker_kill_blocks_no_restart()
    {
        await container.WaitUntilReadyAsync();
        var output = "kept across restarts\n"u8.ToArray();
        var (id, inputSha256) = await RunWritingTaskAsync("kept.txt", output);
        var token = container.Token;

        var clock = Stopwatch.StartNew();
        await DockerCli.RunAsync("stop", "--time", "60", container.Container);
        var stoppedIn = clock.Elapsed;
        // 0 is the host's own exit after its shutdown; a stop that timed out would be SIGKILL's 137.
        (await DockerCli.InspectAsync(container.Container, "{{.State.ExitCode}}")).ShouldBe("0");
        (await container.LogsAsync()).ShouldContain("Stopped the managed PostgreSQL cluster");
        clock.Restart();
        await DockerCli.RunAsync("start", container.Container);
        await container.WaitUntilReadyAsync();
        Console.WriteLine($"container: docker stop in {stoppedIn.TotalSeconds:F1} s; "
            + $"docker start -> /health/ready 200 in {clock.Elapsed.TotalSeconds:F1} s");
        await ShouldStillHaveAsync(id, inputSha256, output, token);

        // SIGKILL to everything: postmaster.pid and Xvfb's lock stay behind, naming pids a new start may reuse.
        await DockerCli.RunAsync("kill", container.Container);
        clock.Restart();
        await DockerCli.RunAsync("start", container.Container);
        await container.WaitUntilReadyAsync();
        Console.WriteLine("container: docker kill, docker start -> /health/ready 200 in "
            + $"{clock.Elapsed.TotalSeconds:F1} s");
        await ShouldStillHaveAsync(id, inputSha256, output, token);
    }

    /// <summary>A task with an uploaded input whose scripted model writes <paramref name="name"/>.</summary>
    private async Task<(Guid Id, string InputSha256)> RunWritingTaskAsync(string name, byte[] content)
    {
        container.Llm.Reset();
        container.Llm.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUse("toolu_1", "computer_screenshot", new { }),
            ScriptedReplies.AnthropicToolUse("toolu_2", "computer_write_file",
                new { path = name, data = Convert.ToBase64String(content) }),
            ScriptedReplies.AnthropicToolUse("toolu_3", "set_task_status",
                new { status = "completed", description = "Wrote " + name }));
        using var created = await container.Client.PostAsJsonAsync("/api/tasks", new
        {
            description = "Write " + name + " to the desktop",
            model = new { provider = "anthropic", name = Claude, title = Claude },
            files = new[] { new { name = "input.txt", base64 = Convert.ToBase64String("input"u8.ToArray()) } },
        }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var task = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = task.GetProperty("id").GetGuid();
        var status = await WaitForAsync(async () => (await GetTaskAsync(id)).GetProperty("status").GetString()!,
            "COMPLETED", TaskLimit, "FAILED", "NEEDS_HELP");
        status.ShouldBe("COMPLETED", $"{await GetTaskAsync(id)}\n{await container.LogsAsync()}");
        return (id, task.GetProperty("files")[0].GetProperty("sha256").GetString()!);
    }

    private async Task ShouldStillHaveAsync(Guid id, string inputSha256, byte[] output, string token)
    {
        (await DockerCli.RunAsync("exec", container.Container, "cat", "/data/admin-token")).ShouldBe(token);
        (await GetTaskAsync(id)).GetProperty("status").GetString().ShouldBe("COMPLETED");
        using var blob = await container.Client.GetAsync(new Uri("/api/blobs/" + inputSha256, UriKind.Relative), Ct);
        blob.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await blob.Content.ReadAsStringAsync(Ct)).ShouldBe("input");
        await ShouldDownloadOutputAsync(id, "Desktop/kept.txt", output);
    }

    private async Task ShouldDownloadOutputAsync(Guid id, string path, byte[] content)
    {
        var listing = await container.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/files", Ct);
        var file = listing.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("path").GetString() == path);
        file.GetProperty("kind").GetString().ShouldBe("output");
        var url = new Uri(file.GetProperty("url").GetString()!, UriKind.Relative);
        using var download = await container.Client.GetAsync(url, Ct);
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await download.Content.ReadAsByteArrayAsync(Ct)).ShouldBe(content);
    }

    private async Task<JsonElement> GetTaskAsync(Guid id) =>
        await container.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct);

    /// <summary>Polls until the value is <paramref name="expected"/> or one of <paramref name="final"/>.</summary>
    private static async Task<string> WaitForAsync(Func<Task<string>> read, string expected, TimeSpan limit,
        params string[] final)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var value = await read();
            if (value == expected || final.Contains(value) || DateTime.UtcNow > deadline)
                return value;
            await Task.Delay(250, Ct);
        }
    }
}
