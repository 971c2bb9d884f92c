using System.Text.Json;
using Bytebot.Agent.Contracts;
using Microsoft.SemanticKernel;

namespace Bytebot.Agent.Plugins;

/// <summary>
/// Every tool call, the agent's or an MCP client's, passes the policy before its function runs (ADR 0051): the gate
/// sees the arguments exactly as they will run (sensitive text included) and may wait for a human's decision; a call
/// it refuses never runs and its caller is told why.
/// </summary>
internal sealed class PolicyFilter(IToolGate gate) : IFunctionInvocationFilter
{
    public async Task OnFunctionInvocationAsync(
        FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var caller = ToolKernel.Caller(context.Kernel);
        var arguments = JsonSerializer.Serialize(context.Arguments.ToDictionary(a => a.Key, a => a.Value));
        var verdict = await gate.CheckAsync(
            new ToolCallSubject(caller.TaskId, context.Function.Name, arguments, caller.Kind), context.CancellationToken);
        if (!verdict.Allowed)
        {
            context.Result = new FunctionResult(context.Function, caller.Refuse($"Not run: {verdict.Reason}."));
            return;
        }
        await next(context);
    }
}
