using System.Text.Json;
using Bytebot.Dashboard.Components.TaskViews;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Tests.Unit.Dashboard;

public sealed class TaskStateTests
{
    private static readonly Guid TaskId = Guid.CreateVersion7();
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static TaskNotification Event(long position, string type, object data) =>
        new(TaskId, position, position, $"tasks.{type}", JsonSerializer.SerializeToElement(data, JsonSerializerOptions.Web), At);

    [Fact]
    public void An_event_read_as_history_and_again_live_counts_once()
    {
        var step = Guid.CreateVersion7();
        var state = new TaskState();
        var history = new[]
        {
            Event(1, "task_created", new { description = "Book a table", at = At }),
            Event(2, "task_started", new { at = At }),
            Event(3, "step_started", new { stepId = step, number = 1, at = At }),
            Event(4, "usage_recorded", new { stepId = step, inputTokens = 100, outputTokens = 20, cost = 0.01m, at = At }),
        };
        foreach (var e in history)
            state.Apply(e).ShouldBeTrue();

        state.Apply(history[3]).ShouldBeFalse();
        state.Apply(Event(5, "step_completed", new { stepId = step, at = At.AddSeconds(2) })).ShouldBeTrue();

        state.Description.ShouldBe("Book a table");
        state.Status.ShouldBe("RUNNING");
        state.Steps.Count.ShouldBe(1);
        (state.InputTokens + state.OutputTokens).ShouldBe(120);
        state.Steps[0].Meta.ShouldBe("2.0 s · 120 tok · $0.0100");
    }

    [Fact]
    public void Typed_secrets_are_masked_and_screenshot_actions_show_no_arguments()
    {
        var secret = JsonSerializer.SerializeToElement(new { text = "hunter2", isSensitive = true });
        ActionText.Describe("computer_type_text", secret).ShouldBe($"text: {ActionText.Mask}");
        ActionText.Describe("computer_screenshot", JsonSerializer.SerializeToElement(new { })).ShouldBe("");
        ActionText.Describe("computer_click_mouse", JsonSerializer.SerializeToElement(new { coordinates = new { x = 1, y = 2 } }))
            .ShouldBe("coordinates: {\"x\":1,\"y\":2}");
    }

    [Fact]
    public void A_takeover_and_a_failure_are_shown_with_who_has_control_and_why()
    {
        var state = new TaskState();
        state.Apply(Event(1, "task_started", new { at = At }));
        state.Apply(Event(2, "task_taken_over", new { at = At }));
        state.UserHasControl.ShouldBeTrue();
        state.Apply(Event(3, "task_failed", new { error = "The model is unreachable.", at = At }));
        (state.Status, state.Error, state.UserHasControl).ShouldBe(("FAILED", "The model is unreachable.", false));
    }
}
