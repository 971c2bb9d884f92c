using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bytebot.Tests.E2E.Agent;
using Bytebot.Tests.Fakes.Llm;

namespace Bytebot.Tests.E2E.Cli;

/// <summary>
/// Issue 15, acceptance 3: the built <c>bytebot</c> CLI as a real process against the real host,
/// its desktop and agent loop, with the scripted fake LLM behind the model.
/// </summary>
[Collection(AgentLoopAlone.Name)]
public sealed partial class CliTests(AgentHost host) : IClassFixture<AgentHost>, IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);
    private const string Seen = "Looked at the screen: the XFCE desktop, its panel at the top, and no window open on it at all.";
    private readonly string _config = Directory.CreateTempSubdirectory("bytebot-cli-config-").FullName;

    private FakeLlmServer Llm => host.Llm;

    private Dictionary<string, string?> Env(string? token = null) => new()
    {
        ["BYTEBOT_URL"] = host.BaseUrl,
        ["BYTEBOT_TOKEN"] = token ?? host.Factory.Token,
        ["XDG_CONFIG_HOME"] = _config,
    };

    private void Script(params ScriptedReply[] replies) => Llm.Script(FakeLlmServer.ChatCompletions, replies);

    private static ScriptedReply Call(string name, object input, int index) =>
        AgentScripts.Reply("openai-compatible", new ScriptedCall(name, input), index);

    [Fact]
    public async Task Run_prints_each_step_while_the_task_runs_and_exits_0_with_the_result()
    {
        Llm.Reset();
        // The answer that ends the task waits, so a step line read before it proves the steps arrive live.
        Script(Call("computer_screenshot", new { }, 0), Call("computer_cursor_position", new { }, 1),
            Call("set_task_status", new { status = "completed", description = Seen }, 2)
                with { Delay = TimeSpan.FromSeconds(4) });
        var firstStep = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cli = CliProcess.Start(Env(), ["run", "look at the screen", "--model", AgentHost.Qwen], line =>
        {
            if (line.Contains("step", StringComparison.Ordinal) && line.Contains("computer_screenshot", StringComparison.Ordinal))
                firstStep.TrySetResult(line);
        });

        await firstStep.Task.WaitAsync(Generous, TestContext.Current.CancellationToken);
        var id = Guid.Parse(CreatedId().Match(string.Join('\n', cli.Stdout)).Groups[1].Value);
        (await host.GetTaskAsync(id)).GetProperty("status").GetString().ShouldBe("RUNNING");

        (await cli.WaitAsync(Generous)).ShouldBe(0, cli.ToString());
        var steps = cli.Stdout.Where(l => StepLine().IsMatch(l)).ToList();
        steps.Count.ShouldBeGreaterThanOrEqualTo(2, cli.ToString());
        steps[0].ShouldContain("computer_screenshot");
        // One line each even in a pipe, where the console has no width to wrap at (the result is longer than 80).
        cli.Stdout.ShouldContain(l => l.StartsWith("Result: ", StringComparison.Ordinal) && l.EndsWith(Seen, StringComparison.Ordinal));
        steps[1].ShouldContain("computer_cursor_position");
        steps.ShouldAllBe(l => l.Contains(" s ", StringComparison.Ordinal) && l.Contains(" in / ", StringComparison.Ordinal));
        cli.Stdout.ShouldContain("COMPLETED");
        cli.Stderr.ShouldBeEmpty();
        (await host.GetTaskAsync(id)).GetProperty("status").GetString().ShouldBe("COMPLETED");
    }

    [Fact]
    public async Task Run_with_json_writes_NDJSON_lines_that_parse_and_uploads_each_file()
    {
        Llm.Reset();
        Script(Call("computer_screenshot", new { }, 0), Call("set_task_status", new { status = "completed", description = "Read it." }, 1));
        var file = Path.Combine(_config, "notes.txt");
        await File.WriteAllTextAsync(file, "remember the milk", TestContext.Current.CancellationToken);

        using var cli = await CliProcess.RunAsync(Env(), "run", "read the notes", "--model", AgentHost.Qwen, "--file", file, "--json");

        cli.ExitCode.ShouldBe(0, cli.ToString());
        var lines = cli.Stdout.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        lines[0].GetProperty("event").GetString().ShouldBe("created");
        lines[^1].GetProperty("event").GetString().ShouldBe("finished");
        lines[^1].GetProperty("status").GetString().ShouldBe("COMPLETED");
        lines[^1].GetProperty("exitCode").GetInt32().ShouldBe(0);
        var step = lines.First(l => l.GetProperty("event").GetString() == "step");
        step.GetProperty("actions")[0].GetProperty("name").GetString().ShouldBe("computer_screenshot");
        step.GetProperty("durationMs").GetDouble().ShouldBeGreaterThan(0);
        step.GetProperty("inputTokens").GetInt64().ShouldBeGreaterThan(0);
        var id = lines[0].GetProperty("task").GetProperty("id").GetGuid();
        var stored = lines[^1].GetProperty("task").GetProperty("files").EnumerateArray().ShouldHaveSingleItem();
        stored.GetProperty("name").GetString().ShouldBe("notes.txt");
        (await host.Client.GetStringAsync(stored.GetProperty("url").GetString(), TestContext.Current.CancellationToken))
            .ShouldBe("remember the milk");

        using var tasks = await CliProcess.RunAsync(Env(), "tasks", "--status", "completed", "--json");
        tasks.ExitCode.ShouldBe(0, tasks.ToString());
        JsonDocument.Parse(string.Join('\n', tasks.Stdout)).RootElement.GetProperty("tasks").EnumerateArray()
            .Select(t => t.GetProperty("id").GetGuid()).ShouldContain(id);
    }

    [Fact]
    public async Task Run_exits_1_when_the_task_fails_and_says_why_on_stdout()
    {
        Llm.Reset();
        Script(ScriptedReply.Error(401));

        using var cli = await CliProcess.RunAsync(Env(), "run", "take a screenshot", "--model", AgentHost.Qwen);

        cli.ExitCode.ShouldBe(1, cli.ToString());
        cli.Stdout.ShouldContain("FAILED");
        cli.Stdout.ShouldContain(l => l.StartsWith("Error: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_exits_3_when_the_task_needs_help_with_what_it_needs()
    {
        Llm.Reset();
        Script(Call("set_task_status", new { status = "needs_help", description = "Type the password for me." }, 0));

        using var cli = await CliProcess.RunAsync(Env(), "run", "log in to the bank", "--model", AgentHost.Qwen, "--json");

        cli.ExitCode.ShouldBe(3, cli.ToString());
        var last = JsonDocument.Parse(cli.Stdout[^1]).RootElement;
        last.GetProperty("status").GetString().ShouldBe("NEEDS_HELP");
        last.GetProperty("task").GetProperty("error").GetString().ShouldBe("Type the password for me.");
    }

    [Fact]
    public async Task Run_with_node_is_routed_there_and_one_for_an_absent_node_waits_with_its_reason()
    {
        Llm.Reset();
        Script(Call("computer_screenshot", new { }, 0), Call("set_task_status", new { status = "completed", description = "Done here." }, 1));
        var nodes = await host.Client.GetFromJsonAsync<JsonElement>("/api/nodes", TestContext.Current.CancellationToken);
        var here = nodes.EnumerateArray().First(n => n.GetProperty("status").GetString() == "online").GetProperty("name").GetString()!;

        using var routed = await CliProcess.RunAsync(Env(), "run", "look here", "--model", AgentHost.Qwen, "--node", here, "--json");
        using var absent = await CliProcess.RunAsync(
            Env(), "run", "look elsewhere", "--model", AgentHost.Qwen, "--node", "no-such-node", "--detach", "--json");

        routed.ExitCode.ShouldBe(0, routed.ToString());
        var finished = JsonDocument.Parse(routed.Stdout[^1]).RootElement;
        finished.GetProperty("status").GetString().ShouldBe("COMPLETED");
        var id = JsonDocument.Parse(routed.Stdout[0]).RootElement.GetProperty("task").GetProperty("id").GetGuid();
        (await host.GetTaskAsync(id)).GetProperty("node").GetString().ShouldBe(here);
        absent.ExitCode.ShouldBe(0, absent.ToString());
        var waiting = JsonDocument.Parse(string.Join('\n', absent.Stdout)).RootElement.GetProperty("id").GetGuid();
        var task = await host.GetTaskAsync(waiting);
        task.GetProperty("status").GetString().ShouldBe("PENDING");
        task.GetProperty("waitingFor").GetString().ShouldBe("waiting for node no-such-node");
        using var cancel = await CliProcess.RunAsync(Env(), "cancel", waiting.ToString());
        cancel.ExitCode.ShouldBe(0, cancel.ToString());
    }

    [Fact]
    public async Task Nodes_lists_this_node_as_a_table_and_as_json_and_node_drain_and_undrain_switch_its_status()
    {
        var nodes = await host.Client.GetFromJsonAsync<JsonElement>("/api/nodes", TestContext.Current.CancellationToken);
        var here = nodes.EnumerateArray().First(n => n.GetProperty("status").GetString() == "online").GetProperty("name").GetString()!;

        using var table = await CliProcess.RunAsync(Env(), "nodes");
        using var json = await CliProcess.RunAsync(Env(), "nodes", "--json");
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Stdout.ShouldContain(l => l.Contains(here, StringComparison.Ordinal) && l.Contains("online", StringComparison.Ordinal));
        json.ExitCode.ShouldBe(0, json.ToString());
        var listed = JsonDocument.Parse(string.Join('\n', json.Stdout)).RootElement.EnumerateArray()
            .Single(n => n.GetProperty("name").GetString() == here);
        listed.GetProperty("status").GetString().ShouldBe("online");
        listed.GetProperty("url").GetString().ShouldBe(host.BaseUrl.TrimEnd('/') + "/");

        try
        {
            using var drain = await CliProcess.RunAsync(Env(), "node", "drain", here);
            drain.ExitCode.ShouldBe(0, drain.ToString());
            drain.Stdout.ShouldHaveSingleItem().ShouldBe($"{here} draining");
            using var drained = await CliProcess.RunAsync(Env(), "nodes", "--json");
            JsonDocument.Parse(string.Join('\n', drained.Stdout)).RootElement.EnumerateArray()
                .Single(n => n.GetProperty("name").GetString() == here).GetProperty("status").GetString().ShouldBe("draining");
        }
        finally
        {
            using var undrain = await CliProcess.RunAsync(Env(), "node", "undrain", here, "--json");
            undrain.ExitCode.ShouldBe(0, undrain.ToString());
            JsonDocument.Parse(string.Join('\n', undrain.Stdout)).RootElement.GetProperty("status").GetString().ShouldBe("online");
        }
        using var unknown = await CliProcess.RunAsync(Env(), "node", "drain", "no-such-node");
        unknown.ExitCode.ShouldBe(2, unknown.ToString());
        unknown.Stderr.ShouldHaveSingleItem().ShouldContain("No node named no-such-node");
    }

    [Fact]
    public async Task Cancel_stops_a_detached_task_and_a_run_following_it_exits_1()
    {
        Llm.Reset();
        // The model takes its time with each task's first answer, so both are still running when they are cancelled.
        Script(Call("computer_screenshot", new { }, 0) with { Delay = TimeSpan.FromSeconds(20) },
            Call("computer_screenshot", new { }, 0) with { Delay = TimeSpan.FromSeconds(20) });
        using var detached = await CliProcess.RunAsync(Env(), "run", "wait for me", "--model", AgentHost.Qwen, "--detach", "--json");
        detached.ExitCode.ShouldBe(0, detached.ToString());
        var id = JsonDocument.Parse(string.Join('\n', detached.Stdout)).RootElement.GetProperty("id").GetGuid();
        await host.WaitForStatusAsync(id, Generous, "RUNNING");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var follower = CliProcess.Start(Env(), ["run", "--json", "follow me", "--model", AgentHost.Qwen], line =>
        {
            if (line.Contains("\"status\":\"RUNNING\"", StringComparison.Ordinal))
                started.TrySetResult();
        });
        await started.Task.WaitAsync(Generous, TestContext.Current.CancellationToken);
        var followed = JsonDocument.Parse(follower.Stdout[0]).RootElement.GetProperty("task").GetProperty("id").GetGuid();

        using var cancel = await CliProcess.RunAsync(Env(), "cancel", followed.ToString());
        using var cancelDetached = await CliProcess.RunAsync(Env(), "cancel", id.ToString(), "--json");

        cancel.ExitCode.ShouldBe(0, cancel.ToString());
        cancel.Stdout.ShouldHaveSingleItem().ShouldBe($"{followed} CANCELLED");
        JsonDocument.Parse(string.Join('\n', cancelDetached.Stdout)).RootElement.GetProperty("status").GetString().ShouldBe("CANCELLED");
        (await follower.WaitAsync(Generous)).ShouldBe(1, follower.ToString());
        JsonDocument.Parse(follower.Stdout[^1]).RootElement.GetProperty("status").GetString().ShouldBe("CANCELLED");
        (await host.GetTaskAsync(id)).GetProperty("status").GetString().ShouldBe("CANCELLED");
    }

    [Fact]
    public async Task A_wrong_token_an_unreachable_host_and_a_bad_flag_each_give_one_clear_line_and_no_stack_trace()
    {
        using var wrongToken = await CliProcess.RunAsync(Env(token: "bbt_wrong"), "run", "anything");
        using var unreachable = await CliProcess.RunAsync(
            new Dictionary<string, string?>(Env()) { ["BYTEBOT_URL"] = "http://127.0.0.1:9" }, "status");
        using var badFlag = await CliProcess.RunAsync(Env(), "run", "anything", "--no-such-flag");
        using var unknownModel = await CliProcess.RunAsync(Env(), "run", "anything", "--model", "no-such-model");

        wrongToken.ExitCode.ShouldBe(4, wrongToken.ToString());
        wrongToken.Stderr.ShouldHaveSingleItem().ShouldContain("refused the token (401");
        unreachable.ExitCode.ShouldBe(4, unreachable.ToString());
        unreachable.Stderr.ShouldHaveSingleItem().ShouldContain("cannot reach the host at http://127.0.0.1:9/");
        badFlag.ExitCode.ShouldBe(2, badFlag.ToString());
        badFlag.Stderr.ShouldHaveSingleItem().ShouldContain("--no-such-flag");
        unknownModel.ExitCode.ShouldBe(2, unknownModel.ToString());
        unknownModel.Stderr.ShouldHaveSingleItem().ShouldContain($"no model 'no-such-model'; it has ");
        foreach (var cli in new[] { wrongToken, unreachable, badFlag, unknownModel })
        {
            cli.Stdout.ShouldBeEmpty(cli.ToString());
            cli.Stderr.ShouldAllBe(l => !l.Contains("   at ", StringComparison.Ordinal) && !l.Contains("Exception", StringComparison.Ordinal));
        }
        var page = await host.Client.GetFromJsonAsync<JsonElement>("/api/tasks?search=anything", TestContext.Current.CancellationToken);
        page.GetProperty("total").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task Login_checks_the_token_stores_it_0600_and_later_commands_use_it()
    {
        var bare = new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = _config };
        var login = Path.Combine(_config, "bytebot", "login.json");

        using var refused = await CliProcess.RunAsync(bare, "login", "--url", host.BaseUrl, "--token", "bbt_wrong");
        refused.ExitCode.ShouldBe(4, refused.ToString());
        File.Exists(login).ShouldBeFalse();

        using var accepted = await CliProcess.RunAsync(bare, "login", "--url", host.BaseUrl, "--token", host.Factory.Token);
        accepted.ExitCode.ShouldBe(0, accepted.ToString());
        File.GetUnixFileMode(login).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var stored = JsonDocument.Parse(await File.ReadAllTextAsync(login, TestContext.Current.CancellationToken)).RootElement;
        stored.GetProperty("url").GetString().ShouldBe(host.BaseUrl.TrimEnd('/'));
        stored.GetProperty("token").GetString().ShouldBe(host.Factory.Token);

        using var status = await CliProcess.RunAsync(bare, "status", "--json");
        status.ExitCode.ShouldBe(0, status.ToString());
        var report = JsonDocument.Parse(string.Join('\n', status.Stdout)).RootElement;
        report.GetProperty("ready").GetProperty("status").GetString().ShouldBe("Healthy");
        report.GetProperty("desktop").GetProperty("width").GetInt32().ShouldBeGreaterThan(0);
        report.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ShouldContain(AgentHost.Qwen);

        using var shown = await CliProcess.RunAsync(bare, "status");
        shown.ExitCode.ShouldBe(0, shown.ToString());
        shown.Stdout[0].ShouldStartWith($"{host.BaseUrl.TrimEnd('/')}/ ready (Healthy), API ");
        shown.Stdout.ShouldContain(l => l.StartsWith("Models: ", StringComparison.Ordinal) && l.Contains(AgentHost.Qwen, StringComparison.Ordinal));

        // Flags beat the environment, which beats the stored login.
        using var flagOverStored = await CliProcess.RunAsync(bare, "tasks", "--token", "bbt_wrong");
        flagOverStored.ExitCode.ShouldBe(4, flagOverStored.ToString());
        var wrongEnv = new Dictionary<string, string?>(bare) { ["BYTEBOT_TOKEN"] = "bbt_wrong" };
        using var envOverStored = await CliProcess.RunAsync(wrongEnv, "tasks");
        envOverStored.ExitCode.ShouldBe(4, envOverStored.ToString());
        using var flagOverEnv = await CliProcess.RunAsync(wrongEnv, "tasks", "--token", host.Factory.Token);
        flagOverEnv.ExitCode.ShouldBe(0, flagOverEnv.ToString());
    }

    [GeneratedRegex(@"Task ([0-9a-f-]{36}) created")]
    private static partial Regex CreatedId();

    [GeneratedRegex(@"^\s+step\s+\d+\s")]
    private static partial Regex StepLine();

    public void Dispose() => Directory.Delete(_config, recursive: true);
}
