using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Bytebot.Agent.Providers;
using Bytebot.Agent.Tools;
using Bytebot.Desktop.Contracts;
using Microsoft.SemanticKernel;
using Wolverine.Runtime;

namespace Bytebot.Agent.Plugins;

/// <summary>
/// The one tool surface (ADR 0052): the plugins declare the tools; the schemas each provider gets and the MCP tools
/// are made from them, and every call, whoever makes it, runs through a kernel so the function filters (the policy)
/// see it.
/// </summary>
internal sealed class ToolKernel(IServiceProvider services, IWolverineRuntime messaging)
{
    private const string CallerKey = "bytebot.caller";

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static KernelPlugin Computer { get; } = KernelPluginFactory.CreateFromType<ComputerPlugin>(Json, "computer");

    public static KernelPlugin Tasks { get; } = KernelPluginFactory.CreateFromType<TaskPlugin>(Json, "tasks");

    /// <summary>What a task's agent may call.</summary>
    public static IReadOnlyList<KernelPlugin> AgentPlugins { get; } = [Computer, Tasks];

    /// <summary>What an MCP client may call: the desktop, not a task.</summary>
    public static IReadOnlyList<KernelPlugin> McpPlugins { get; } = [Computer];

    public static IReadOnlyList<ToolDefinition> AgentTools { get; } = Definitions(AgentPlugins);

    public static IReadOnlyList<ToolDefinition> McpTools { get; } = Definitions(McpPlugins);

    public static IReadOnlyList<ToolDefinition> Definitions(IEnumerable<KernelPlugin> plugins) =>
        [.. plugins.SelectMany(plugin => plugin).Select(Definition)];

    public static IToolCaller Caller(Kernel kernel) => (IToolCaller)kernel.Data[CallerKey]!;

    public static ITaskToolCaller TaskCaller(Kernel kernel) => (ITaskToolCaller)kernel.Data[CallerKey]!;

    /// <summary>Runs one call by the tool's name with the arguments as the caller sent them.</summary>
    public async Task<object> InvokeAsync(IToolCaller caller, string tool, JsonElement input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var function = caller.Plugins.SelectMany(plugin => plugin).FirstOrDefault(f => f.Name == tool);
        if (function is null)
            return caller.Refuse($"There is no tool named '{tool}'. Use one of: "
                + string.Join(", ", caller.Plugins.SelectMany(plugin => plugin).Select(f => f.Name)) + ".");
        if (input.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
            return caller.Refuse("The arguments must be a JSON object.");
        var arguments = new KernelArguments();
        if (input.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in input.EnumerateObject())
            {
                if (!function.Metadata.Parameters.Any(p => p.Name == property.Name))
                    return caller.Refuse($"{property.Name}: is not a field of {tool}.");
                arguments[property.Name] = property.Value.Clone();
            }
        }
        var kernel = new Kernel(services, [.. caller.Plugins]);
        kernel.Data[CallerKey] = caller;
        try
        {
            var result = await kernel.InvokeAsync(function, arguments, cancellationToken);
            return result.GetValue<object>() ?? caller.Refuse("The tool answered nothing.");
        }
        catch (Exception binding) when (binding is KernelException or ArgumentException or JsonException)
        {
            return caller.Refuse(await DescribeAsync(tool, input, cancellationToken) ?? binding.Message);
        }
    }

    /// <summary>What the desktop's parser says of arguments that did not bind (it names the field); null if it takes them.</summary>
    private async Task<string?> DescribeAsync(string tool, JsonElement input, CancellationToken cancellationToken)
    {
        if (!tool.StartsWith(ComputerPlugin.Prefix, StringComparison.Ordinal))
            return null;
        var body = input.ValueKind == JsonValueKind.Object ? JsonNode.Parse(input.GetRawText())!.AsObject() : [];
        body["action"] = tool[ComputerPlugin.Prefix.Length..];
        if (tool == ComputerPlugin.ClickText)
        {
            TextClicks.Click(body);
            body["action"] = "find_text";
        }
        try
        {
            await new MessageBus(messaging).InvokeAsync<ParsedAction>(
                new ParseComputerAction(JsonSerializer.SerializeToElement(body)), cancellationToken);
            return null;
        }
        catch (ComputerActionRejectedException rejected)
        {
            return rejected.Message;
        }
    }

    private static ToolDefinition Definition(KernelFunction function)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var parameter in function.Metadata.Parameters)
        {
            if (parameter.Schema is null)
                continue;
            var schema = JsonNode.Parse(parameter.Schema.RootElement.GetRawText())!.AsObject();
            properties[parameter.Name] = parameter.IsRequired ? schema : NotNull(schema);
            if (parameter.IsRequired)
                required.Add(parameter.Name);
        }
        var input = new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required };
        return new ToolDefinition(function.Name, function.Description, JsonSerializer.SerializeToElement(input));
    }

    // An optional parameter is simply left out; "type": ["string", "null"] is refused by some OpenAI-compatible servers.
    private static JsonObject NotNull(JsonObject schema)
    {
        if (schema["type"] is JsonArray types)
        {
            var kinds = types.Select(t => t!.GetValue<string>()).Where(t => t != "null").ToArray();
            schema["type"] = kinds.Length == 1 ? kinds[0] : new JsonArray([.. kinds.Select(k => (JsonNode)k)]);
        }
        if (schema["enum"] is JsonArray values)
            schema["enum"] = new JsonArray([.. values.Where(v => v is not null).Select(v => v!.DeepClone())]);
        return schema;
    }
}
