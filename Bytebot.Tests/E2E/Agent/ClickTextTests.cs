namespace Bytebot.Tests.E2E.Agent;

/// <summary>Issue 13, acceptance 1 (click_text): the agent clicks a menu label it names, on the real desktop.</summary>
[Collection(AgentLoopAlone.Name)]
public sealed class ClickTextTests(AgentHost host) : IClassFixture<AgentHost>
{
    private static readonly string[] Escape = ["Escape"];

    [Fact]
    public async Task Click_text_on_the_editors_Edit_label_opens_the_Edit_menu()
    {
        host.Llm.Reset();
        await host.ComputerUseAsync(new { action = "application", application = "editor" });
        (await MatchesAsync("Preferences")).ShouldBe(0, "the Edit menu is closed before the click");
        var (path, provider, model) = AgentScripts.For("anthropic");
        host.Llm.Script(path, AgentScripts.Replies("anthropic",
            new ScriptedCall("computer_click_text", new { text = "Edit" }),
            AgentScripts.Complete("Opened the Edit menu.")));

        var id = await host.CreateTaskAsync("open the editor's Edit menu", provider, model);
        var task = await host.WaitForStatusAsync(id, TimeSpan.FromSeconds(90), "COMPLETED", "FAILED", "NEEDS_HELP");

        task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
        var answer = host.Llm.Bodies(path)[1].ToString();
        answer.ShouldContain("Clicked 'Edit'", Case.Sensitive, answer[Math.Max(0, answer.IndexOf("tool_result", StringComparison.Ordinal))..]);
        (await MatchesAsync("Preferences")).ShouldBeGreaterThan(0, "the Edit menu's last item is on the screen");
        await host.ComputerUseAsync(new { action = "type_keys", keys = Escape });
    }

    private async Task<int> MatchesAsync(string text) =>
        (await host.ComputerUseAsync(new { action = "find_text", text })).GetProperty("matches").GetArrayLength();
}
