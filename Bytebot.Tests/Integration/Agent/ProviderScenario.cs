using System.Text.Json;
using Bytebot.Agent.Conversation;
using Bytebot.Agent.Providers;
using Bytebot.Tests.Fakes.Llm;
using Microsoft.Extensions.Configuration;

namespace Bytebot.Tests.Integration.Agent;

/// <summary>One screenshot step as the loop will send it: a task with a screenshot, a tool call, its result with a new screenshot.</summary>
internal static class ProviderScenario
{
    public const string Claude = "claude-sonnet-4-20250514";
    public const string ClaudeUnstreamed = "claude-unstreamed";
    public const string Gpt = "gpt-4.1-2025-04-14";
    public const string Qwen = "qwen";

    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];

    public static readonly ToolDefinition[] Tools =
    [
        new("computer_screenshot", "Take a screenshot.", JsonSerializer.SerializeToElement(new { type = "object", properties = new { } })),
        new("computer_click_mouse", "Click the mouse.", JsonSerializer.SerializeToElement(new
        {
            type = "object",
            properties = new
            {
                coordinates = new { type = "object", properties = new { x = new { type = "integer" }, y = new { type = "integer" } } },
                button = new { type = "string", @enum = new[] { "left", "right", "middle" } },
                clickCount = new { type = "integer" },
            },
            required = new[] { "button", "clickCount" },
        })),
    ];

    public static ModelCatalog Catalog(
        FakeLlmServer server, TimeProvider time, IReadOnlyDictionary<string, string?>? more = null) => new(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(
            more ?? new Dictionary<string, string?>())
        {
            ["ANTHROPIC_API_KEY"] = "sk-ant-test",
            ["ANTHROPIC_BASE_URL"] = server.BaseUrl.ToString().TrimEnd('/'),
            ["OPENAI_API_KEY"] = "sk-openai-test",
            ["OPENAI_BASE_URL"] = new Uri(server.BaseUrl, "v1").ToString(),
            ["Agent:Models:0:Name"] = Qwen,
            ["Agent:Models:0:Provider"] = "openai-compatible",
            ["Agent:Models:0:Model"] = "qwen3-vl",
            ["Agent:Models:0:BaseUrl"] = new Uri(server.BaseUrl, "v1").ToString(),
            ["Agent:Models:1:Name"] = ClaudeUnstreamed,
            ["Agent:Models:1:Provider"] = "anthropic",
            ["Agent:Models:1:Model"] = "claude-sonnet-4-20250514",
            ["Agent:Models:1:Stream"] = "false",
        }).Build(),
        time);

    public static ModelRequest FirstStep() => new(
        "You are Bytebot.",
        [ConversationMessage.User(new TextBlock("Open a terminal."), new ImageBlock(Png, "image/png"))],
        Tools,
        1024);

    public static ModelRequest NextStep(ModelRequest previous, ModelTurn turn) => previous with
    {
        Messages =
        [
            .. previous.Messages,
            new ConversationMessage(MessageRole.Assistant, turn.Content),
            ConversationMessage.User([.. turn.Content.OfType<ToolUseBlock>().Select(use =>
                new ToolResultBlock(use.Id, [new TextBlock("Tool executed successfully"), new ImageBlock(Png, "image/png")]))]),
        ],
    };

    /// <summary>A failed action and a file read, as the loop reports them after one turn with two tool calls.</summary>
    public static ModelRequest FailedActionAndFileRead()
    {
        var first = FirstStep();
        return first with
        {
            Messages =
            [
                .. first.Messages,
                ConversationMessage.Assistant(
                    new ToolUseBlock("t1", "computer_type_keys", JsonDocument.Parse("""{"keys":["Ctrl"]}""").RootElement),
                    new ToolUseBlock("t2", "computer_read_file", JsonSerializer.SerializeToElement(new { path = "/home/user/report.pdf" }))),
                ConversationMessage.User(
                    new ToolResultBlock("t1", [new TextBlock("Unknown key 'Ctrl'")], IsError: true),
                    new ToolResultBlock("t2", [new DocumentBlock("%PDF-1.7"u8.ToArray(), "application/pdf", "report.pdf")])),
            ],
        };
    }

    public static string PngBase64 => Convert.ToBase64String(Png);
}
