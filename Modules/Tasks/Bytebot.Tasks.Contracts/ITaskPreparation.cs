namespace Bytebot.Tasks.Contracts;

/// <summary>
/// Work done on the desktop when a run of a task starts, before its first step (for example writing the task's
/// uploaded files into the workspace). Every registered implementation is called on every run; most act only
/// when <see cref="TaskPreparationContext.Resumed"/> is false. Implementations should not throw: a failure is
/// theirs to log, and the task runs on.
/// </summary>
public interface ITaskPreparation
{
    /// <summary>Prepares the desktop for the run.</summary>
    Task PrepareAsync(TaskPreparationContext context, CancellationToken cancellationToken);
}

/// <summary>The run that is about to start.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="DesktopId">The desktop that runs it.</param>
/// <param name="Resumed">True when an earlier run of the task had started (a resume after a takeover, crash or restart).</param>
/// <param name="Files">The files uploaded with the task.</param>
public sealed record TaskPreparationContext(Guid TaskId, string DesktopId, bool Resumed, IReadOnlyList<TaskInputFile> Files);

/// <summary>A file uploaded with a task; its bytes are a stored blob.</summary>
/// <param name="Name">File name as uploaded.</param>
/// <param name="Sha256">The blob's SHA-256.</param>
/// <param name="MediaType">MIME type.</param>
/// <param name="Size">Length in bytes.</param>
public sealed record TaskInputFile(string Name, string Sha256, string MediaType, long Size);
