using Bytebot.Agent.Providers;
using Bytebot.Agent.Tools;
using Bytebot.Desktop.Contracts;
using Bytebot.Files.Contracts;
using Bytebot.Tasks.Contracts;
using Microsoft.Extensions.Logging;

namespace Bytebot.Agent.Loop;

/// <summary>Starts an <see cref="AgentRun"/> for each run of a task.</summary>
internal sealed class AgentLoop(AgentParts parts) : ITaskAgent
{
    public ITaskAgentRun Start(ITaskRunView task, ITaskRecorder recorder) => new AgentRun(parts, task, recorder);
}

/// <summary>What every run of the agent uses, shared by all tasks.</summary>
internal sealed record AgentParts(
    ModelCatalog Catalog, ModelRouter Router, ToolRunner Tools, AgentOptions Options, IDesktopEnvironment Desktop, IBlobStore Blobs,
    TimeProvider Time, MonthlyBudget Budget, ILogger<AgentRun> Logger);
