using System.Text.Json;
using Bytebot.Agent.Plugins;
using Bytebot.Tests.Fakes.Llm;
using Microsoft.SemanticKernel;

namespace Bytebot.Tests.Integration.Agent;

/// <summary>
/// Issue 14, acceptance 1: the tools are declared once, as Semantic Kernel plugins. What each provider's SDK puts on the
/// wire is read back from the fake provider and compared with the plugins' own metadata.
/// </summary>
public sealed class OneToolSurfaceTests() : ProviderTest(TimeProvider.System)
{
    public static TheoryData<string, string> Providers => new()
    {
        { ProviderScenario.Claude, FakeLlmServer.AnthropicMessages },
        { ProviderScenario.Gpt, FakeLlmServer.OpenAIResponses },
        { ProviderScenario.Qwen, FakeLlmServer.ChatCompletions },
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Every_provider_is_sent_exactly_the_plugins_functions(string model, string path)
    {
        Server.Script(path, path switch
        {
            FakeLlmServer.AnthropicMessages => ScriptedReplies.AnthropicText("ok"),
            FakeLlmServer.OpenAIResponses => ScriptedReplies.ResponsesText("ok"),
            _ => ScriptedReplies.ChatText("ok"),
        });

        await Catalog.Provider(model).CompleteAsync(
            ProviderScenario.FirstStep() with { Tools = ToolKernel.AgentTools }, TestContext.Current.CancellationToken);

        var sent = Server.Bodies(path).Single().GetProperty("tools").EnumerateArray().Select(tool => path switch
        {
            FakeLlmServer.AnthropicMessages => (tool.GetProperty("name").GetString()!, tool.GetProperty("description").GetString()!,
                tool.GetProperty("input_schema")),
            FakeLlmServer.OpenAIResponses => (tool.GetProperty("name").GetString()!, tool.GetProperty("description").GetString()!,
                tool.GetProperty("parameters")),
            _ => (tool.GetProperty("function").GetProperty("name").GetString()!,
                tool.GetProperty("function").GetProperty("description").GetString()!, tool.GetProperty("function").GetProperty("parameters")),
        }).ToList();
        PluginsMatch([ToolKernel.Computer, ToolKernel.Tasks], sent);
    }

    [Fact]
    public void The_agent_has_the_desktop_and_task_tools_and_mcp_clients_the_desktop_tools()
    {
        ToolKernel.AgentTools.Select(t => t.Name).ShouldBe(
            ToolKernel.Computer.Select(f => f.Name).Concat(ToolKernel.Tasks.Select(f => f.Name)));
        ToolKernel.McpTools.Select(t => t.Name).ShouldBe(ToolKernel.Computer.Select(f => f.Name));
        ToolKernel.Computer.Select(f => f.Name).ShouldAllBe(name => name.StartsWith("computer_", StringComparison.Ordinal));
        ToolKernel.Computer.Select(f => f.Name).ShouldContain("computer_click_text");
        ToolKernel.Tasks.Select(f => f.Name).ShouldBe(["set_task_status", "create_task"], ignoreOrder: true);
    }

    /// <summary>Each sent tool is one function of the plugins: the same name, description, fields and required fields.</summary>
    internal static void PluginsMatch(IReadOnlyList<KernelPlugin> plugins, IReadOnlyList<(string Name, string Description, JsonElement Schema)> sent)
    {
        var functions = plugins.SelectMany(plugin => plugin).ToList();
        sent.Select(t => t.Name).ShouldBe(functions.Select(f => f.Name));
        foreach (var (function, tool) in functions.Zip(sent))
        {
            tool.Description.ShouldBe(function.Description, function.Name);
            function.Description.ShouldNotBeNullOrWhiteSpace(function.Name);
            tool.Schema.GetProperty("type").GetString().ShouldBe("object", function.Name);
            var properties = tool.Schema.GetProperty("properties");
            properties.EnumerateObject().Select(p => p.Name).ShouldBe(function.Metadata.Parameters.Select(p => p.Name), function.Name);
            tool.Schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ShouldBe(
                function.Metadata.Parameters.Where(p => p.IsRequired).Select(p => p.Name), function.Name);
            foreach (var parameter in function.Metadata.Parameters)
            {
                var declared = parameter.Schema!.RootElement;
                var field = properties.GetProperty(parameter.Name);
                var kind = declared.GetProperty("type");
                var types = kind.ValueKind == JsonValueKind.Array ? kind.EnumerateArray().Select(t => t.GetString()).ToArray() : [kind.GetString()];
                field.GetProperty("type").GetString().ShouldBe(types.Single(t => t != "null"), $"{function.Name}.{parameter.Name}");
                if (declared.TryGetProperty("enum", out var values))
                    field.GetProperty("enum").EnumerateArray().Select(v => v.GetString()).ShouldBe(
                        values.EnumerateArray().Where(v => v.ValueKind != JsonValueKind.Null).Select(v => v.GetString()), $"{function.Name}.{parameter.Name}");
            }
        }
    }
}
