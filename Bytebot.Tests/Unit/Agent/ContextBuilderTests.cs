using System.Text.Json;
using System.Text.Json.Nodes;
using Bytebot.Agent.Conversation;
using Bytebot.Agent.Loop;
using Bytebot.Agent.Providers;
using Bytebot.Tasks.Contracts;
using Bytebot.Tests.Fakes.Llm;

namespace Bytebot.Tests.Unit.Agent;

public sealed class ContextBuilderTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;
    private static readonly JsonElement NoInput = JsonDocument.Parse("{}").RootElement;

    private static TaskMessage User(params MessageContent[] content) => new(Guid.CreateVersion7(), TaskRole.User, content, At);

    private static TaskMessage Assistant(params MessageContent[] content) => new(Guid.CreateVersion7(), TaskRole.Assistant, content, At);

    private static ImageContent Screenshot(int n) => new(new MediaSource("blob", "image/png", n.ToString("x64", System.Globalization.CultureInfo.InvariantCulture), 4));

    private static ToolUseContent Use(string id) => new(id, "computer_screenshot", NoInput);

    private static ToolResultContent Result(string id, int screenshot) => new(id, [new TextContent("ok"), Screenshot(screenshot)]);

    private static Task<ReadOnlyMemory<byte>> Load(BlobReference blob) => Task.FromResult<ReadOnlyMemory<byte>>(new byte[] { 1, 2, 3, 4 });

    private static string? AnthropicViolation(ModelContext context) =>
        AnthropicRules.Violation(JsonSerializer.SerializeToElement(new JsonObject
        {
            ["messages"] = new JsonArray([.. AnthropicRequestJson.Messages(context.Messages).Select(m => JsonNode.Parse(m.GetRawText()))]),
        }));

    [Fact]
    public async Task A_user_message_that_arrived_between_a_tool_call_and_its_result_moves_after_the_result()
    {
        var messages = new[]
        {
            User(new TextContent("open a terminal")),
            Assistant(Use("t1")),
            User(new TextContent("also check mail")),
            User(Result("t1", 1)),
        };

        var context = await ContextBuilder.BuildAsync(messages, [], 3, Load);

        AnthropicViolation(context).ShouldBeNull();
        context.Messages.Select(m => m.Role).ShouldBe([MessageRole.User, MessageRole.Assistant, MessageRole.User]);
        context.Messages[2].Content[0].ShouldBeOfType<ToolResultBlock>();
        context.Messages[2].Content.OfType<TextBlock>().Single().Text.ShouldBe("also check mail");
    }

    [Fact]
    public async Task Only_the_newest_images_stay_and_older_ones_become_a_note()
    {
        var messages = new List<TaskMessage> { User(new TextContent("task")) };
        for (var i = 0; i < 10; i++)
        {
            messages.Add(Assistant(Use($"t{i}")));
            messages.Add(User(Result($"t{i}", i)));
        }

        var context = await ContextBuilder.BuildAsync(messages, [], 3, Load);

        var results = context.Messages.SelectMany(m => m.Content).OfType<ToolResultBlock>().ToList();
        results.Count(r => r.Content.OfType<ImageBlock>().Any()).ShouldBe(3);
        results.TakeLast(3).ShouldAllBe(r => r.Content.OfType<ImageBlock>().Any());
        results[0].Content.OfType<TextBlock>().Select(t => t.Text).ShouldContain(ContextBuilder.OmittedImage);
        AnthropicViolation(context).ShouldBeNull();
    }

    [Fact]
    public async Task A_summary_replaces_the_messages_it_covers_and_leads_the_conversation()
    {
        var old = new[] { User(new TextContent("task")), Assistant(Use("t1")), User(Result("t1", 1)) };
        var recent = new[] { Assistant(Use("t2")), User(Result("t2", 2)) };

        var context = await ContextBuilder.BuildAsync([.. old, .. recent], [new TaskSummary(Guid.NewGuid(), "did t1", [.. old.Select(m => m.Id)])], 3, Load);

        context.Messages[0].Content.OfType<TextBlock>().Single().Text.ShouldContain("did t1");
        context.MessageIds.ShouldBe([.. recent.Select(m => m.Id)]);
        AnthropicViolation(context).ShouldBeNull();
    }

    [Fact]
    public async Task An_old_call_that_never_got_a_result_is_answered_as_not_run_and_the_newest_open_call_is_left_open()
    {
        var messages = new[]
        {
            User(new TextContent("task")),
            Assistant(Use("lost")),
            User(new TextContent("resumed")),
            Assistant(Use("open")),
        };

        var context = await ContextBuilder.BuildAsync(messages, [], 3, Load);

        var synthesized = context.Messages[2].Content.OfType<ToolResultBlock>().Single();
        (synthesized.ToolUseId, synthesized.IsError).ShouldBe(("lost", true));
        context.Messages[^1].Content.OfType<ToolUseBlock>().Single().Id.ShouldBe("open");
    }

    [Fact]
    public async Task Takeover_recordings_reach_the_model_as_text_with_their_screenshot()
    {
        var recording = new UserActionContent([Screenshot(7), new ToolUseContent("u1", "computer_click_mouse", JsonDocument.Parse("""{"button":"left"}""").RootElement)]);

        var context = await ContextBuilder.BuildAsync([User(new TextContent("task")), User(recording)], [], 3, Load);

        var blocks = context.Messages.Single().Content;
        blocks.OfType<ImageBlock>().Count().ShouldBe(1);
        blocks.OfType<TextBlock>().Last().Text.ShouldStartWith("User performed action: computer_click_mouse");
        blocks.OfType<ToolUseBlock>().ShouldBeEmpty();
    }
}
