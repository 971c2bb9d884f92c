namespace Bytebot.Tasks.Contracts;

/// <summary>How many tasks each node holds: claimed (pinned to it) and neither finished nor held for the user.</summary>
public interface IRunningTasks
{
    /// <summary>Per node name; a node with none is absent.</summary>
    Task<IReadOnlyDictionary<string, int>> CountByNodeAsync(CancellationToken cancellationToken);
}
