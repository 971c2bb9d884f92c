using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bytebot.Tasks.Contracts;
using Bytebot.Tests.Fakes.Agent;
using Microsoft.Extensions.Configuration;

namespace Bytebot.Tests.Integration.Tasks;

/// <summary>
/// A deterministic stand-in for the LLM agent: a task described as "steps:N" takes N steps, each one desktop
/// "action" that appends its action id to a side-effect log (fsync'ed), the witness that no action ran twice.
/// </summary>
internal sealed partial class ScriptedAgent(string actionLog, TimeSpan actionDuration) : ITaskAgent
{
    public ScriptedAgent(IConfiguration configuration)
        : this(configuration["Scripted:ActionLog"]!, TimeSpan.FromMilliseconds(configuration.GetValue("Scripted:ActionMs", 50)))
    {
    }

    public ITaskAgentRun Start(ITaskRunView task, ITaskRecorder recorder) => new StepRun(token => RunStepAsync(task, recorder, token));

    private async Task<StepOutcome> RunStepAsync(ITaskRunView context, ITaskRecorder recorder, CancellationToken cancellationToken)
    {
        var match = StepsPattern().Match(context.Description);
        var wanted = match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 1;
        var done = context.Messages.Count(m => m.Role == TaskRole.Assistant && m.Content is [TextContent { Text: var t }] && t.StartsWith("did ", StringComparison.Ordinal));
        if (done >= wanted)
            return StepOutcome.Complete(JsonSerializer.SerializeToElement(new { steps = done }));
        var input = JsonSerializer.SerializeToElement(new { step = done + 1 });
        await recorder.ExecuteActionAsync("scripted_click", input, async (actionId, ct) =>
        {
            Witness(actionLog, context.TaskId, actionId);
            await Task.Delay(actionDuration, ct);
            return new ActionResult(true);
        }, cancellationToken);
        await recorder.AddMessageAsync(TaskRole.Assistant, [new TextContent($"did {done + 1}")], cancellationToken);
        return StepOutcome.Continue;
    }

    /// <summary>Appends one line per executed action; the lines are the physical effects the test counts.</summary>
    public static void Witness(string actionLog, Guid taskId, Guid actionId)
    {
        // FileShare.None takes an flock. Without it two host processes appending at once (an append is a seek to
        // the end, then a write) overwrote each other's line: 59 of 60 actions were witnessed once.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var file = new FileStream(actionLog, FileMode.Append, FileAccess.Write, FileShare.None);
                file.Write(Encoding.UTF8.GetBytes($"{taskId} {actionId}\n"));
                file.Flush(flushToDisk: true);
                return;
            }
            catch (IOException) when (attempt < 1000)
            {
                Thread.Sleep(2);
            }
        }
    }

    [GeneratedRegex(@"steps:(\d+)")]
    private static partial Regex StepsPattern();
}
