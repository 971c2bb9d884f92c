namespace Bytebot.Nodes.Contracts;

/// <summary>This host as a node: <c>Node:Name</c> (alias <c>Tasks:DesktopId</c>, default the machine name).</summary>
public interface INodeIdentity
{
    /// <summary>The node's name, unique among the hosts sharing one database; started tasks are pinned to it.</summary>
    string Name { get; }

    /// <summary><c>Node:Capabilities</c> plus the installed applications, lower case, sorted.</summary>
    IReadOnlyList<string> Capabilities { get; }
}

/// <summary>Wire names of <see cref="NodePresence.Status"/>.</summary>
public static class NodeStatus
{
    /// <summary>Heartbeating and claiming tasks.</summary>
    public const string Online = "online";

    /// <summary>Stopped cleanly, or no heartbeat within the offline window.</summary>
    public const string Offline = "offline";

    /// <summary>Heartbeating, finishing its running tasks, claiming no new ones.</summary>
    public const string Draining = "draining";
}

/// <summary>One node as every host on the database sees it.</summary>
/// <param name="Name">The node's name.</param>
/// <param name="Capabilities">What tasks may require of it.</param>
/// <param name="Status">One of <see cref="NodeStatus"/>.</param>
/// <param name="LastSeenAt">Its last heartbeat (database clock).</param>
/// <param name="Width">Its desktop's width in pixels.</param>
/// <param name="Height">Its desktop's height in pixels.</param>
/// <param name="Version">The host's version.</param>
/// <param name="Url">The base URL other nodes reach it at (<c>Node:Url</c>, else its listening address).</param>
public sealed record NodePresence(
    string Name, IReadOnlyList<string> Capabilities, string Status, DateTimeOffset LastSeenAt, int Width, int Height,
    string Version, Uri? Url)
{
    /// <summary>True when the node claims new tasks.</summary>
    public bool TakesTasks => Status == NodeStatus.Online;
}

/// <summary>Every node that ever heartbeated into the shared database, with its presence now.</summary>
public interface INodeDirectory
{
    /// <summary>All nodes, by name; a node's status is computed against the database clock at the read.</summary>
    Task<IReadOnlyList<NodePresence>> ListAsync(CancellationToken cancellationToken);
}
