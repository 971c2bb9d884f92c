using Bytebot.Tasks.Contracts;

namespace Bytebot.Tests.Fakes.Agent;

/// <summary>A run of a stand-in agent that keeps nothing between steps: each step is one call of <paramref name="step"/>.</summary>
internal sealed class StepRun(Func<CancellationToken, Task<StepOutcome>> step) : ITaskAgentRun
{
    public Task<StepOutcome> RunStepAsync(CancellationToken cancellationToken) => step(cancellationToken);
}
