using Bytebot.Tasks.Decisions;
using Bytebot.Tasks.Events;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Tasks.Api;

/// <summary>Decides against the task's current stream and appends with its version, retrying on a race.</summary>
internal static class TaskWrites
{
    private const int Attempts = 5;

    /// <summary>Appends what <paramref name="decide"/> decides; answers its refusal or a 404 as problem+json, else null.</summary>
    public static async Task<IResult?> AppendAsync(
        IDocumentStore store, Guid taskId, Func<TaskState, TaskDecision> decide, CancellationToken cancellationToken)
    {
        var (before, refusal) = await DecideAndAppendAsync(store, taskId, decide, cancellationToken);
        return !before.Exists ? TaskProblems.NotFound(taskId)
            : refusal is not null ? TaskProblems.From(refusal)
            : null;
    }

    /// <summary>The state decided on (not <c>Exists</c>: no such task) and the refusal, if any.</summary>
    public static async Task<(TaskState Before, TaskRefusal? Refusal)> DecideAndAppendAsync(
        IDocumentStore store, Guid taskId, Func<TaskState, TaskDecision> decide, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var state = await TaskState.LoadAsync(store, taskId, cancellationToken);
            if (!state.Exists)
                return (state, null);
            var decision = decide(state);
            if (decision.Refusal is { } refusal)
                return (state, refusal);
            try
            {
                await TaskStreams.AppendAsync(store, taskId, state.Version, null, [.. decision.Events], cancellationToken);
                return (state, null);
            }
            catch (ConcurrencyException) when (attempt < Attempts)
            {
                // The worker appended meanwhile; decide again against the newer state.
            }
        }
    }
}

internal static class TaskProblems
{
    public static IResult NotFound(Guid taskId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Task not found", detail: $"No task has id {taskId}.");

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The task is not in a state that allows this", detail: detail);

    public static IResult From(TaskRefusal refusal) =>
        refusal.Field is { } field ? Invalid(field, refusal.Message) : Conflict(refusal.Message);

    public static IResult Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
