using System.Text.Json;

namespace Bytebot.Tests.E2E.Agent;

/// <summary>Issue 13 (agent tools): the model reads the editor's accessibility tree and clicks a menu by its id.</summary>
[Collection(AgentLoopAlone.Name)]
public sealed class ClickElementTests(AgentHost host) : IClassFixture<AgentHost>
{
    private static readonly string[] Escape = ["Escape"];

    [Fact]
    public async Task The_model_reads_the_tree_and_click_element_on_the_Edit_menu_opens_it()
    {
        host.Llm.Reset();
        await host.ComputerUseAsync(new { action = "application", application = "editor" });
        var edit = await EditMenuAsync();
        ItemsOf(await TreeAsync(), edit).ShouldBe(0, "the Edit menu is closed before the click");
        var (path, provider, model) = AgentScripts.For("anthropic");
        host.Llm.Script(path, AgentScripts.Replies("anthropic",
            new ScriptedCall("computer_accessibility_tree", new { }),
            new ScriptedCall("computer_click_element", new { id = edit }),
            AgentScripts.Complete("Opened the Edit menu.")));

        var id = await host.CreateTaskAsync("open the editor's Edit menu", provider, model);
        var task = await host.WaitForStatusAsync(id, TimeSpan.FromSeconds(90), "COMPLETED", "FAILED", "NEEDS_HELP");

        task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
        var afterTree = host.Llm.Bodies(path)[1].ToString();
        afterTree.ShouldContain($"{edit} menu \\\"Edit\\\"", Case.Sensitive, "the model read the menu and its id");
        ItemsOf(await TreeAsync(), edit).ShouldBeGreaterThan(0, "the Edit menu's items are showing");
        await host.ComputerUseAsync(new { action = "type_keys", keys = Escape });
    }

    private async Task<string> EditMenuAsync()
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            if ((await TreeAsync()).FirstOrDefault(e => e.GetProperty("role").GetString() == "menu" && e.GetProperty("name").GetString() == "Edit")
                is { ValueKind: JsonValueKind.Object } menu)
                return menu.GetProperty("id").GetString()!;
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
        throw new ShouldAssertException("The editor's tree showed no Edit menu within 15 s.");
    }

    private async Task<List<JsonElement>> TreeAsync() =>
        [.. (await host.ComputerUseAsync(new { action = "accessibility_tree" })).GetProperty("elements").EnumerateArray()];

    private static int ItemsOf(List<JsonElement> tree, string parent) =>
        tree.Count(e => e.GetProperty("parent").ValueKind == JsonValueKind.String && e.GetProperty("parent").GetString() == parent);
}
