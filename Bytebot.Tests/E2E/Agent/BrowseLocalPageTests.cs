using System.Net;
using System.Net.Sockets;
using System.Text;
using Bytebot.Desktop.Contracts;
using Bytebot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.E2E.Agent;

/// <summary>Issue 13, acceptance 3: Firefox ESR opens from the application action and a task browses a local page.</summary>
[Collection(AgentLoopAlone.Name)]
public sealed class BrowseLocalPageTests(AgentHost host) : IClassFixture<AgentHost>
{
    private static readonly string[] FocusAddressBar = ["ctrl", "l"];
    private static readonly string[] Enter = ["Return"];

    [Fact]
    public async Task A_task_opens_firefox_and_browses_a_page_the_test_serves()
    {
        var heading = "Quokka page " + string.Concat(Enumerable.Range(0, 4).Select(_ => "bcdfghkmnprstvwxz"[Random.Shared.Next(17)]));
        using var server = new HttpListener();
        var port = FreePort();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var requests = new List<string>();
        _ = Task.Run(async () =>
        {
            while (server.IsListening)
            {
                var context = await server.GetContextAsync();
                lock (requests)
                    requests.Add($"{context.Request.HttpMethod} {context.Request.Url?.AbsolutePath} {context.Request.UserAgent}");
                var page = Encoding.UTF8.GetBytes($"<html><head><title>{heading}</title></head><body><h1>{heading}</h1></body></html>");
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.OutputStream.WriteAsync(page);
                context.Response.Close();
            }
        }, TestContext.Current.CancellationToken);
        host.Llm.Reset();
        var (path, provider, model) = AgentScripts.For("anthropic");
        host.Llm.Script(path, AgentScripts.Replies("anthropic",
            new ScriptedCall("computer_application", new { application = "firefox" }),
            new ScriptedCall("computer_type_keys", new { keys = FocusAddressBar, chord = true }),
            new ScriptedCall("computer_type_text", new { text = $"http://127.0.0.1:{port}/" }),
            new ScriptedCall("computer_type_keys", new { keys = Enter }),
            AgentScripts.Complete("Opened the page.")));

        var id = await host.CreateTaskAsync("open the local page in Firefox", provider, model);
        var task = await host.WaitForStatusAsync(id, TimeSpan.FromSeconds(120), "COMPLETED", "FAILED", "NEEDS_HELP");

        task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
        var timeline = await host.TimelineAsync(id);
        timeline.ToString().ShouldNotContain("did not start");
        string[] seen;
        for (var attempt = 0; ; attempt++)
        {
            lock (requests)
                seen = [.. requests];
            if (seen.Length > 0 || attempt == 100)
                break;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        if (!seen.Any(r => r.StartsWith("GET / ", StringComparison.Ordinal)
            && r.Contains("Firefox", StringComparison.Ordinal)))
        {
            var display = host.Factory.Services.GetRequiredService<IDesktopEnvironment>().Display;
            Assert.Fail($"Firefox asked for no page (requests: {string.Join("; ", seen)}); "
                + await DesktopDiagnosis.WriteAsync(display, "browse-local-page"));
        }
        // Firefox asks for the page before it paints it: on a busy machine the first frames still show the old tab.
        var matches = 0;
        for (var attempt = 0; attempt < 20 && matches == 0; attempt++)
        {
            if (attempt > 0)
                await Task.Delay(500, TestContext.Current.CancellationToken);
            matches = (await host.ComputerUseAsync(new { action = "find_text", text = heading }))
                .GetProperty("matches").GetArrayLength();
        }
        if (matches == 0)
        {
            var display = host.Factory.Services.GetRequiredService<IDesktopEnvironment>().Display;
            Assert.Fail($"'{heading}' is not on the screen; " + await DesktopDiagnosis.WriteAsync(display, "browse-local-page"));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
