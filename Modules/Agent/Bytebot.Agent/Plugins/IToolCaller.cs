using System.Text.Json.Nodes;
using Microsoft.SemanticKernel;

namespace Bytebot.Agent.Plugins;

/// <summary>
/// Who called a tool and how calls run for them: a task's agent (coordinates in its screenshots' pixels, each action
/// recorded on the task) or an MCP client (screen pixels, nothing recorded). Replies are the caller's own type
/// (<c>ToolOutcome</c>, <c>CallToolResult</c>): the kernel only carries them.
/// </summary>
internal interface IToolCaller
{
    /// <summary>The task the call works for; none for an MCP client.</summary>
    Guid? TaskId { get; }

    /// <summary><c>agent</c> or <c>mcp</c>.</summary>
    string Kind { get; }

    /// <summary>The plugins this caller may call.</summary>
    IReadOnlyList<KernelPlugin> Plugins { get; }

    /// <summary>Parses a <c>/computer-use</c> body with the desktop's rules and carries it out.</summary>
    Task<object> ComputerAsync(JsonObject body, CancellationToken cancellationToken);

    /// <summary>The reply for a call that did not run.</summary>
    object Refuse(string message);
}

/// <summary>A caller that works for a task and so may end it or create others.</summary>
internal interface ITaskToolCaller : IToolCaller
{
    object SetStatus(TaskEnd status, string description);

    Task<object> CreateTaskAsync(
        string description, string? type, string? scheduledFor, string? priority, CancellationToken cancellationToken);
}
