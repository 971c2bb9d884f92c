using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Infrastructure;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Bytebot.Tests.E2E.Agent;

/// <summary>
/// Issue 14, acceptance 4, on the real desktop: a scripted model types a shell line that an <c>ask</c> rule matches
/// into the terminal. The witness is the file the line writes: it must not exist until a human approves, and never
/// when the call is denied, expires or finds no approver. An MCP client meets the same gate.
/// </summary>
[Collection(AgentLoopAlone.Name)]
public sealed class ApprovalTests(AgentHost host) : IClassFixture<AgentHost>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_approved_line_is_typed_once_and_only_after_the_approval()
    {
        await using var approver = await ApprovalStreamClient.OpenAsync(host.Client);
        var (id, file, line) = await StartAsync("approved");
        try
        {
            var approval = await PendingAsync(id);
            approval.GetProperty("tool").GetString().ShouldBe("computer_type_text");
            approval.GetProperty("input").ToString().ShouldContain(AgentHost.AskMarker);
            // The terminal is open and the model has asked: nothing may have been typed while the approval waits.
            await Task.Delay(1500, Ct);
            File.Exists(file).ShouldBeFalse("the line ran before it was approved");
            (await host.GetTaskAsync(id)).GetProperty("status").GetString().ShouldBe("RUNNING");

            using var approved = await host.Client.PostAsJsonAsync(
                $"/api/approvals/{approval.GetProperty("id").GetGuid()}/approve", new { note = "fine" }, Ct);
            approved.EnsureSuccessStatusCode();

            (await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED", "NEEDS_HELP")).GetProperty("status")
                .GetString().ShouldBe("COMPLETED");
            (await WaitForFileAsync(file)).ShouldBe(line + "\n");
            var decisions = (await host.TimelineAsync(id)).EnumerateArray()
                .SelectMany(step => step.TryGetProperty("approvals", out var a) ? a.EnumerateArray() : []).ToList();
            decisions.Select(a => a.GetProperty("decision").GetString()).ShouldBe(["approved"]);
            ResultOfTypeText().ShouldNotContain("Not run");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_denied_line_never_runs_and_the_model_is_told_why()
    {
        await using var approver = await ApprovalStreamClient.OpenAsync(host.Client);
        var (id, file, _) = await StartAsync("denied");
        try
        {
            var approval = await PendingAsync(id);
            using var denied = await host.Client.PostAsJsonAsync(
                $"/api/approvals/{approval.GetProperty("id").GetGuid()}/deny", new { note = "not on this machine" }, Ct);
            denied.EnsureSuccessStatusCode();

            (await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED", "NEEDS_HELP")).GetProperty("status")
                .GetString().ShouldBe("COMPLETED");
            ResultOfTypeText().ShouldContain("not on this machine");
            await Task.Delay(1000, Ct);
            File.Exists(file).ShouldBeFalse("a denied line ran");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task An_approval_nobody_decides_expires_and_the_line_never_runs()
    {
        await using var approver = await ApprovalStreamClient.OpenAsync(host.Client);
        var (id, file, _) = await StartAsync("expired");
        try
        {
            await PendingAsync(id);

            (await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED", "NEEDS_HELP")).GetProperty("status")
                .GetString().ShouldBe("COMPLETED");
            ResultOfTypeText().ShouldContain("no decision within");
            File.Exists(file).ShouldBeFalse("an expired line ran");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task With_no_approver_reachable_the_line_is_denied_at_once()
    {
        var (id, file, _) = await StartAsync("unreachable");
        try
        {
            (await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED", "NEEDS_HELP")).GetProperty("status")
                .GetString().ShouldBe("COMPLETED");
            ResultOfTypeText().ShouldContain("no approver is reachable");
            File.Exists(file).ShouldBeFalse("a line nobody could approve ran");
            (await Pending()).ShouldNotContain(a => a.GetProperty("taskId").ToString() == id.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task An_mcp_client_meets_the_same_gate()
    {
        var file = Path.Combine(Home, $"bytebot-mcp-{Guid.NewGuid():N}.txt");
        using var http = host.Factory.CreateAuthenticatedClient();
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(http.BaseAddress!, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
        }, http, ownsHttpClient: false);
        await using var client = await McpClient.CreateAsync(transport, cancellationToken: Ct);

        var result = await client.CallToolAsync("computer_type_text",
            new Dictionary<string, object?> { ["text"] = $"echo mcp > {file} # {AgentHost.AskMarker}\n" },
            cancellationToken: Ct);

        result.IsError.ShouldBe(true);
        result.Content.OfType<TextContentBlock>().Single().Text.ShouldContain("no approver is reachable");
        await Task.Delay(500, Ct);
        File.Exists(file).ShouldBeFalse();
    }

    private static string Home => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>A task whose model opens the terminal and types a line that writes a file and carries the marker.</summary>
    private async Task<(Guid Id, string File, string Line)> StartAsync(string word)
    {
        host.Llm.Reset();
        var line = $"{word}-{Guid.NewGuid():N}";
        var file = Path.Combine(Home, $"bytebot-approval-{Guid.NewGuid():N}.txt");
        var (path, provider, model) = AgentScripts.For("anthropic");
        host.Llm.Script(path, AgentScripts.Replies("anthropic",
            new ScriptedCall("computer_application", new { application = "terminal" }),
            new ScriptedCall("computer_type_text", new { text = $"echo {line} > {file} # {AgentHost.AskMarker}\n" }),
            AgentScripts.Complete("Typed the line.")));
        var id = await host.CreateTaskAsync($"write {word} into a file from the terminal", provider, model);
        return (id, file, line);
    }

    private async Task<List<JsonElement>> Pending() =>
        [.. (await host.Client.GetFromJsonAsync<JsonElement>("/api/approvals?status=pending", Ct)).EnumerateArray()];

    private async Task<JsonElement> PendingAsync(Guid task)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(Generous);
        while (true)
        {
            if ((await Pending()).FirstOrDefault(a => a.GetProperty("taskId").ToString() == task.ToString())
                is { ValueKind: JsonValueKind.Object } found)
                return found;
            await Task.Delay(100, limit.Token);
        }
    }

    /// <summary>What the model was told of its type_text call, from the request that followed it.</summary>
    private string ResultOfTypeText()
    {
        var bodies = host.Llm.Bodies(Fakes.Llm.FakeLlmServer.AnthropicMessages);
        return bodies[^1].GetProperty("messages").EnumerateArray()
            .SelectMany(m => m.GetProperty("content").ValueKind == JsonValueKind.Array ? m.GetProperty("content").EnumerateArray() : [])
            .Where(b => b.GetProperty("type").GetString() == "tool_result" && b.GetProperty("tool_use_id").GetString() == "toolu_001")
            .Single().ToString();
    }

    private static async Task<string> WaitForFileAsync(string file)
    {
        for (var attempt = 0; attempt < 100 && !File.Exists(file); attempt++)
            await Task.Delay(100, Ct);
        return await File.ReadAllTextAsync(file, Ct);
    }
}
