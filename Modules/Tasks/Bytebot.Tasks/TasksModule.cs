using Bytebot.Files.Contracts;
using Bytebot.Nodes.Contracts;
using Bytebot.Platform.Http;
using Bytebot.Platform.Messaging;
using Bytebot.Platform.Postgres;
using Bytebot.Tasks.Api;
using Bytebot.Tasks.Blobs;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Bytebot.Tasks.Live;
using Bytebot.Tasks.Queue;
using Bytebot.Tasks.ReadModels;
using Bytebot.Tasks.Schedules;
using Bytebot.Tasks.Usage;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Wolverine;

namespace Bytebot.Tasks;

public static class TasksModule
{
    public static IServiceCollection AddTasksModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(sp =>
            TasksOptions.FromConfiguration(configuration, sp.GetService<INodeIdentity>()?.Name));
        services.AddMigrations(
            TasksSchema.Module, TasksSchema.ReadModels, TasksSchema.StepAccounting, TasksSchema.AppendFunctions,
            TasksSchema.ClaimIndexesAndCounterSlots, TasksSchema.BlobReferences,
            TasksSchema.Approvals, TasksSchema.Routing, TasksSchema.Links, TasksSchema.Usage);
        services.AddTaskEvents();
        var committed = new CommittedEvents();
        services.AddSingleton(committed);
        // Inline: in the append's transaction, so a fenced write changes nothing and the read models are never behind.
        services.ConfigureMarten(options =>
        {
            options.Projections.Add(new QueueProjection(), ProjectionLifecycle.Inline);
            options.Projections.Add(new TaskReadModelProjection(), ProjectionLifecycle.Inline);
            options.Listeners.Add(committed);
            options.Projections.Add(new BlobReferencesProjection(), ProjectionLifecycle.Async, BlobReferencesProjection.Name);
        });
        services.AddSingleton<TaskBroadcast>();
        services.AddSingleton<ITaskNotifications>(sp => sp.GetRequiredService<TaskBroadcast>());
        services.AddHostedService<TaskEventFeed>();
        services.AddSingleton<ITaskHistory, TaskHistory>();
        services.AddSingleton<TaskViews>();
        services.AddSingleton<TaskFacts>();
        services.AddSingleton<ITaskRunWindows>(sp => sp.GetRequiredService<TaskFacts>());
        services.AddSingleton<IBlobReferences>(sp => sp.GetRequiredService<TaskFacts>());
        services.AddSingleton<ITaskReports>(sp => sp.GetRequiredService<TaskFacts>());
        services.AddSingleton<UsageReports>();
        services.AddSingleton<IUsageTotals>(sp => sp.GetRequiredService<UsageReports>());
        services.TryAddSingleton<IRunBudget, UnlimitedRuns>();
        services.AddSingleton<TaskQueue>();
        services.AddSingleton<IRunningTasks, RunningTasks>();
        services.AddHostedService<NodeLossWatch>();
        services.AddHostedService<DependencyWatch>();
        services.AddSingleton<TaskWakeUp>();
        services.AddScoped<TaskCreator>();
        // A SCHEDULED task's wake-up survives a crash: its envelope is stored with the task, in the same transaction.
        services.ConfigureWolverine(options => options.LocalQueueFor<TaskDue>().UseDurableInbox());
        AddSchedules(services, configuration);
        services.AddMessageHandlers(typeof(TasksModule).Assembly);
        services.AddHostedService<TaskWorker>();
        return services;
    }

    private static void AddSchedules(IServiceCollection services, IConfiguration configuration)
    {
        services.AddMigrations(SchedulesSchema.Module, SchedulesSchema.Schedules);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(ScheduleOptions.FromConfiguration(configuration));
        services.AddSingleton<TaskSchedules>();
        services.AddSingleton(sp => new ScheduleRunner(
            sp.GetRequiredService<TaskSchedules>(), sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<ScheduleOptions>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ScheduleRunner>>()));
        // An occurrence is a scheduled envelope in PostgreSQL, written with the schedule's change.
        services.ConfigureWolverine(options => options.LocalQueueFor<FireSchedule>().UseDurableInbox());
    }

    public static IEndpointRouteBuilder MapTasksEndpoints(this IEndpointRouteBuilder endpoints)
    {
        MapScheduleEndpoints(endpoints);
        endpoints.MapGet("/api/usage", UsageApi.GetAsync).WithTags("Usage")
            .WithName("GetUsage")
            .WithSummary("Tokens, cost, model and action time and steps per day, week (from, to: ISO dates; tz: IANA "
                + "zone, default UTC; default the last 30 days) or model, with the tasks created per period by status.")
            .Produces<UsageReport>().ProducesValidationProblem();
        var tasks = endpoints.MapGroup("/api/tasks").WithTags("Tasks");

        tasks.MapPost("/", (HttpRequest request, TaskCreator creator, IBlobStore blobs, UploadLimits limits, TaskViews views,
                CancellationToken ct) =>
                request.HasFormContentType
                    ? CreateTask.FromFormAsync(request, creator, blobs, limits, views, ct)
                    : CreateTask.FromJsonAsync(request, creator, blobs, limits, views, ct))
            .WithName("CreateTask").WithSummary("Creates a task (JSON with base64 files, or multipart/form-data).")
            .DescribesBody(("application/json", TaskSchemas.CreateJson), ("multipart/form-data", TaskSchemas.CreateForm))
            .Produces<TaskView>(StatusCodes.Status201Created).ProducesValidationProblem().DisableAntiforgery();
        tasks.MapGet("/", (TaskViews views, string? page, string? limit, string? status, string? statuses, string? search,
                string? tag, CancellationToken ct) => ReadTasks.ListAsync(views, page, limit, status, statuses, search, tag, ct))
            .WithName("ListTasks")
            .WithSummary("Lists tasks, newest first, with counts per status; search: text the description contains; "
                + "tag: tasks carrying that tag.")
            .Produces<TaskPage>().ProducesValidationProblem();
        tasks.MapGet("/models", ReadTasks.ModelsAsync)
            .WithName("ListModels")
            .WithSummary("Every configured provider's models: its /v1/models (cached), the configured extras and "
                + "the built-in ones; empty with an X-Bytebot-Hint header when none.")
            .Produces<IReadOnlyList<TaskModel>>();
        tasks.MapGet("/{id:guid}", ReadTasks.GetAsync)
            .WithName("GetTask").WithSummary("One task with its file metadata and download links.")
            .Produces<TaskView>().ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapGet("/{id:guid}/messages", TaskMessages.RawAsync)
            .WithName("ListMessages").WithSummary("Messages, oldest first (page, limit).")
            .Produces<IReadOnlyList<MessageView>>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapGet("/{id:guid}/messages/raw", TaskMessages.RawAsync)
            .WithName("ListRawMessages").WithSummary("Messages, oldest first (page, limit).")
            .Produces<IReadOnlyList<MessageView>>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapGet("/{id:guid}/messages/processed", TaskMessages.ProcessedAsync)
            .WithName("ListProcessedMessages").WithSummary("Messages grouped the way Bytebot's UI shows them.")
            .Produces<IReadOnlyList<MessageGroup>>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapPost("/{id:guid}/messages", TaskMessages.AddAsync)
            .WithName("AddMessage").WithSummary("Adds a user message to the task.")
            .DescribesBody(("application/json", TaskSchemas.AddMessage))
            .Produces<TaskView>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapPost("/{id:guid}/takeover", TaskControl.TakeOverAsync)
            .WithName("TakeOverTask").WithSummary("Gives the user control; the agent's run of this task stops.")
            .Produces<TaskView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapPost("/{id:guid}/resume", TaskControl.ResumeAsync)
            .WithName("ResumeTask").WithSummary("Gives control back to the agent; the task is queued on its desktop.")
            .Produces<TaskView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapPost("/{id:guid}/retry", TaskControl.RetryAsync)
            .WithName("RetryTask").WithSummary("Queues a FAILED or NEEDS_HELP task again; the agent goes on from its history.")
            .Produces<TaskView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapPost("/{id:guid}/cancel", TaskControl.CancelAsync)
            .WithName("CancelTask").WithSummary("Cancels this task (only this one).")
            .Produces<TaskView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapDelete("/{id:guid}", TaskControl.DeleteAsync)
            .WithName("DeleteTask").WithSummary("Deletes the task from the read models; its event stream stays.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapGet("/{id:guid}/events", TaskEventStream.StreamAsync)
            .WithName("StreamTaskEvents").WithSummary("Server-sent events of the task; resumable with Last-Event-ID (a global position).")
            .DescribesEventStream("The task's events: messages, steps, status changes.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapGet("/events", TaskEventStream.StreamAllAsync)
            .WithName("StreamAllTaskEvents").WithSummary("Server-sent lifecycle events of every task, live; resumable with Last-Event-ID.")
            .DescribesEventStream("Every task's lifecycle events.").ProducesValidationProblem();
        tasks.MapGet("/{id:guid}/timeline", ReadTasks.TimelineAsync)
            .WithName("GetTaskTimeline").WithSummary("Steps with start, duration, action, screenshot, tokens and cost.")
            .Produces<IReadOnlyList<StepView>>().ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapGet("/{id:guid}/files/{fileId:guid}", ReadTasks.DownloadFileAsync)
            .WithName("DownloadTaskFile").WithSummary("Downloads a file uploaded with the task.")
            .DescribesDownload().ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapGet("/{id:guid}/blobs/{sha256}", ReadTasks.DownloadBlobAsync)
            .WithName("DownloadTaskBlob").WithSummary("Downloads a screenshot or document the task references.")
            .DescribesDownload(entityTag: true).ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static void MapScheduleEndpoints(IEndpointRouteBuilder endpoints)
    {
        var schedules = endpoints.MapGroup("/api/schedules").WithTags("Schedules");
        schedules.MapGet("/", SchedulesApi.ListAsync)
            .WithName("ListSchedules").WithSummary("Recurring tasks, oldest first, each with its next occurrences.")
            .Produces<IReadOnlyList<ScheduleView>>();
        schedules.MapPost("/", SchedulesApi.CreateAsync)
            .WithName("CreateSchedule")
            .WithSummary("Adds a recurring task: at each occurrence of cron (in timeZone) a normal task is created.")
            .DescribesBody(("application/json", SchedulesApi.CreateSchema))
            .Produces<ScheduleView>(StatusCodes.Status201Created).ProducesValidationProblem();
        schedules.MapGet("/{id:guid}", SchedulesApi.GetAsync)
            .WithName("GetSchedule").WithSummary("One schedule with its latest occurrences and the tasks they created.")
            .Produces<ScheduleView>().ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapPost("/{id:guid}/pause", SchedulesApi.PauseAsync)
            .WithName("PauseSchedule").WithSummary("Pauses a schedule: no occurrence runs until it is resumed.")
            .Produces<ScheduleView>().ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapPost("/{id:guid}/resume", SchedulesApi.ResumeAsync)
            .WithName("ResumeSchedule").WithSummary("Resumes a schedule from its next occurrence after now.")
            .Produces<ScheduleView>().ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapDelete("/{id:guid}", SchedulesApi.DeleteAsync)
            .WithName("DeleteSchedule").WithSummary("Deletes a schedule; the tasks it created stay.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
    }
}
