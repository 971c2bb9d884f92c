using Bytebot.Agent.Contracts;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Decisions;
using Bytebot.Tasks.Events;
using FsCheck;
using FsCheck.Fluent;

namespace Bytebot.Tests.Unit.Tasks;

/// <summary>The task rules as pure functions of (state, command, now), without a database.</summary>
public sealed class TaskDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TaskModel Default = new("anthropic", "claude", "Claude");

    private static TaskDecision Create(TaskDraft draft, params StoredFile[] files) =>
        Create(draft, ModelAvailability.Available, files);

    private static TaskDecision Create(TaskDraft draft, ModelAvailability model, params StoredFile[] files) =>
        TaskDecisions.Create(draft, files, Default, model, Guid.CreateVersion7(), Now);

    private static TaskCreated Created(TaskDecision decision)
    {
        decision.Refusal.ShouldBeNull();
        return decision.Events[0].ShouldBeOfType<TaskCreated>();
    }

    private static TaskState State(params object[] events)
    {
        var state = new TaskState();
        var version = 0;
        foreach (var e in events)
            state.Apply(e, ++version);
        return state;
    }

    private static TaskCreated NewTask() =>
        Created(Create(new TaskDraft("do it")));

    [Fact]
    public void A_draft_with_only_a_description_is_an_immediate_medium_user_task_on_the_default_model()
    {
        var decision = Create(new TaskDraft("  download the invoices  "));

        var created = Created(decision);
        (created.Description, created.Type, created.Priority, created.CreatedBy, created.Model, created.ScheduledFor)
            .ShouldBe(("download the invoices", AgentTaskType.Immediate, AgentTaskPriority.Medium, TaskRole.User, Default, null));
        decision.Events[1].ShouldBeOfType<MessageAdded>().Content.ShouldBe([new TextContent("download the invoices")]);
    }

    [Theory]
    [InlineData(null, "description")]
    [InlineData("   ", "description")]
    public void A_task_needs_a_description(string? description, string field)
    {
        Create(new TaskDraft(description)).Refusal!.Field.ShouldBe(field);
    }

    [Fact]
    public void A_scheduled_for_without_a_type_makes_it_scheduled_and_in_UTC()
    {
        var created = Created(Create(new TaskDraft("later", ScheduledFor: "2026-12-03T10:00:00+02:00")));

        created.Type.ShouldBe(AgentTaskType.Scheduled);
        created.ScheduledFor.ShouldBe(new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero));
        created.ScheduledFor!.Value.Offset.ShouldBe(TimeSpan.Zero);
    }

    [Theory]
    [InlineData("IMMEDIATE", "2026-12-03T10:00:00Z", "scheduledFor")]
    [InlineData("SCHEDULED", null, "scheduledFor")]
    [InlineData("LATER", null, "type")]
    [InlineData(null, "tomorrow", "scheduledFor")]
    public void Type_and_time_must_agree(string? type, string? scheduledFor, string field)
    {
        var decision = Create(new TaskDraft("x", type, ScheduledFor: scheduledFor));

        decision.Refusal!.Field.ShouldBe(field);
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void Wire_names_are_read_whatever_their_case_and_unknown_ones_are_refused()
    {
        var created = Created(Create(new TaskDraft("x", "immediate", "urgent", CreatedBy: "Assistant")));
        (created.Priority, created.CreatedBy).ShouldBe((AgentTaskPriority.Urgent, TaskRole.Assistant));

        Create(new TaskDraft("x", Priority: "SOON")).Refusal!.Field.ShouldBe("priority");
        Create(new TaskDraft("x", CreatedBy: "ROBOT")).Refusal!.Field.ShouldBe("createdBy");
        Create(new TaskDraft("x", Model: new TaskModel("", "m", "M"))).Refusal!.Field.ShouldBe("model");
    }

    [Theory]
    [InlineData(ModelAvailability.UnknownProvider, "model.provider")]
    [InlineData(ModelAvailability.ProviderNotConfigured, "model.provider")]
    [InlineData(ModelAvailability.NotListed, "model.name")]
    public void A_model_the_catalog_cannot_run_is_refused_naming_its_field(ModelAvailability availability, string field)
    {
        var draft = new TaskDraft("x", Model: new TaskModel("acme", "m", "M"));

        var decision = Create(draft, availability);

        decision.Refusal!.Field.ShouldBe(field);
        decision.Events.ShouldBeEmpty();
        Created(Create(draft, ModelAvailability.Available)).Model.ShouldBe(draft.Model);
    }

    [Fact]
    public void Files_need_plain_names_and_are_announced_in_the_first_message()
    {
        var file = new StoredFile(Guid.CreateVersion7(), "report.csv", "text/csv", 3, new string('a', 64));

        var decision = Create(new TaskDraft("sum it"), file);

        Created(decision).Files.ShouldBe([file]);
        decision.Events[1].ShouldBeOfType<MessageAdded>().Content
            .ShouldBe([new TextContent("sum it\n\nFile report.csv written to desktop.")]);
        Create(new TaskDraft("x"), file, file with { Name = "../etc/passwd" }).Refusal!.Field.ShouldBe("files[1].name");
    }

    [Fact]
    public void Any_draft_is_either_refused_with_no_events_or_becomes_a_task_and_its_message()
    {
        string?[] types = [null, "IMMEDIATE", "SCHEDULED", "scheduled", "NOW"];
        string?[] times = [null, "2026-12-03T10:00:00Z", "soon"];
        string?[] priorities = [null, "LOW", "HIGH", "x"];
        Prop.ForAll(Gen.Elements(types).ToArbitrary(), Gen.Elements(times).ToArbitrary(), Gen.Elements(priorities).ToArbitrary(),
            (type, time, priority) =>
            {
                var decision = Create(new TaskDraft("d", type, priority, time));
                if (decision.Refusal is not null)
                    return decision.Events.Count == 0;
                var created = (TaskCreated)decision.Events[0];
                return decision.Events.Count == 2 && decision.Events[1] is MessageAdded
                    && (created.Type == AgentTaskType.Scheduled) == (created.ScheduledFor is not null);
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Only_an_unfinished_task_can_be_cancelled()
    {
        var open = State(NewTask());
        TaskDecisions.Cancel(open, Now).Events.ShouldBe([new TaskCancelled(Now)]);

        var cancelled = State(NewTask(), new TaskCancelled(Now));
        TaskDecisions.Cancel(cancelled, Now).Refusal.ShouldBe(new TaskRefusal(null, "The task is already CANCELLED."));
    }

    [Fact]
    public void Control_passes_from_the_agent_to_the_user_and_back_once_each()
    {
        var running = State(NewTask());
        TaskDecisions.Resume(running, Now).Refusal!.Message.ShouldBe("The assistant already has control.");
        TaskDecisions.TakeOver(running, Now).Events.ShouldBe([new TaskTakenOver(Now)]);

        var taken = State(NewTask(), new TaskTakenOver(Now));
        TaskDecisions.TakeOver(taken, Now).Refusal!.Message.ShouldBe("The user already has control.");
        TaskDecisions.Resume(taken, Now).Events.ShouldBe([new TaskResumed(Now)]);

        var done = State(NewTask(), new TaskCompleted(null, Now));
        TaskDecisions.TakeOver(done, Now).Refusal!.Field.ShouldBeNull();
    }

    [Fact]
    public void A_failed_task_or_one_needing_help_goes_back_to_the_queue_with_the_agent_in_control_and_its_history()
    {
        var step = Guid.NewGuid();
        var failed = State(NewTask(), new TaskStarted("w", "d", 1, false, Now), new StepStarted(step, 1, Now),
            new MessageAdded(Guid.NewGuid(), TaskRole.Assistant, [new TextContent("Step 1")], Now),
            new StepCompleted(step, Now), new TaskFailed("The agent failed: timeout", Now));
        var decision = TaskDecisions.Retry(failed, Now);
        decision.Events.ShouldBe([new TaskRetried(Now)]);

        failed.Apply(decision.Events[0], failed.Version + 1);
        (failed.Status, failed.Control, failed.IsFinished, failed.ResumedByUser, failed.EverStarted, failed.Steps)
            .ShouldBe((AgentTaskStatus.Pending, TaskRole.Assistant, false, true, true, 1));
        failed.Messages.Count.ShouldBe(1);

        var needsHelp = State(NewTask(), new TaskStarted("w", "d", 1, false, Now), new TaskNeedsHelp("Which account?", Now));
        TaskDecisions.Retry(needsHelp, Now).Events.ShouldBe([new TaskRetried(Now)]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("running")]
    [InlineData("completed")]
    [InlineData("cancelled")]
    public void Only_a_failed_task_or_one_needing_help_can_be_retried(string? after)
    {
        List<object> events = [NewTask()];
        if (after is not null)
            events.Add(new TaskStarted("w", "d", 1, false, Now));
        if (after == "completed")
            events.Add(new TaskCompleted(null, Now));
        if (after == "cancelled")
            events.Add(new TaskCancelled(Now));

        var refusal = TaskDecisions.Retry(State([.. events]), Now).Refusal.ShouldNotBeNull();
        refusal.Field.ShouldBeNull();
        refusal.Message.ShouldStartWith("Only a FAILED or NEEDS_HELP task can be retried");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void A_message_needs_text(string? text)
    {
        TaskDecisions.AddMessage(text, Now).Refusal!.Field.ShouldBe("message");
        TaskDecisions.AddMessage("go on", Now).Events.Single().ShouldBeOfType<MessageAdded>().Role.ShouldBe(TaskRole.User);
    }
}
