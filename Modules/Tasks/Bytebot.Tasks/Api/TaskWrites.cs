using Bytebot.Tasks.Events;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Tasks.Api;

/// <summary>Decides against the task's current stream and appends with its version, retrying on a race.</summary>
internal static class TaskWrites
{
    private const int Attempts = 5;

    /// <summary>
    /// <paramref name="decide"/> returns the events to append, or an error result (400/404) and no events.
    /// </summary>
    public static async Task<IResult?> AppendAsync(
        IDocumentStore store, Guid taskId, Func<TaskState, (IResult? Error, object[] Events)> decide, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var state = await TaskState.LoadAsync(store, taskId, cancellationToken);
            if (!state.Exists)
                return TaskProblems.NotFound(taskId);
            var (error, events) = decide(state);
            if (error is not null)
                return error;
            try
            {
                await TaskStreams.AppendAsync(store, taskId, state.Version, null, events, cancellationToken);
                return null;
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

    public static IResult Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
