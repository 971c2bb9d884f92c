using System.ComponentModel;
using System.Text.Json.Serialization;
using Microsoft.SemanticKernel;

namespace Bytebot.Agent.Plugins;

internal enum TaskEnd
{
    Completed,
    NeedsHelp,
}

internal enum TaskKind
{
    [JsonStringEnumMemberName("IMMEDIATE")]
    Immediate,
    [JsonStringEnumMemberName("SCHEDULED")]
    Scheduled,
}

internal enum TaskUrgency
{
    [JsonStringEnumMemberName("LOW")]
    Low,
    [JsonStringEnumMemberName("MEDIUM")]
    Medium,
    [JsonStringEnumMemberName("HIGH")]
    High,
    [JsonStringEnumMemberName("URGENT")]
    Urgent,
}

/// <summary>The tools that act on the task itself rather than on the desktop; only a task's agent has them.</summary>
internal sealed class TaskPlugin
{
    public const string SetTaskStatus = "set_task_status";
    public const string CreateTask = "create_task";

    [KernelFunction(SetTaskStatus)]
    [Description("Ends the task: 'completed' when it is done and verified, 'needs_help' when a human must act (login, "
        + "captcha, unclear request) after you tried other ways.")]
    public static object SetStatus(Kernel kernel, TaskEnd status,
        [Description("The result, or what you need help with")] string description) =>
        ToolKernel.TaskCaller(kernel).SetStatus(status, description);

    [KernelFunction(CreateTask), Description("Creates a new task, to run now or at a scheduled time.")]
    public static Task<object> Create(Kernel kernel, string description, TaskKind? type = null,
        [Description("When to run it, ISO 8601 date and time")] string? scheduledFor = null,
        TaskUrgency? priority = null, CancellationToken cancellationToken = default) =>
        ToolKernel.TaskCaller(kernel).CreateTaskAsync(description, Wire(type), scheduledFor, Wire(priority),
            cancellationToken);

    private static string? Wire<T>(T? value) where T : struct, Enum =>
        value is { } set ? System.Text.Json.JsonSerializer.Serialize(set, ToolKernel.Json).Trim('"') : null;
}
