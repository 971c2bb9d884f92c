using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bytebot.Agent.Policy;

internal sealed record PolicyVerdict(PolicyDecision Decision, string Reason);

/// <summary>
/// Decides a tool call by the configured rules and the built-in ones: every rule that applies votes, deny wins over
/// ask wins over allow, and no rule applying allows. The reason names the first rule with the winning vote.
/// </summary>
internal sealed class ToolPolicy(PolicyOptions options)
{
    public const string NoRule = "no rule applies";

    // Rules match the arguments as compact JSON with only quotes, backslashes and control characters escaped, so a
    // pattern such as '> /dev/sd' meets the text whichever JSON writer (model, SDK, kernel) produced the arguments.
    private static readonly JsonSerializerOptions Canonical = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public PolicyOptions Options => options;

    public PolicyVerdict Decide(string tool, string argumentsJson)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var (arguments, text) = Parse(argumentsJson ?? "");
        PolicyVerdict verdict = new(PolicyDecision.Allow, NoRule);
        foreach (var rule in options.Rules.Where(r => r.AppliesTo(tool)))
            verdict = Stronger(verdict, Vote(rule, tool, text));
        if (options.Defaults && BuiltIn(tool, arguments) is { } builtIn)
            verdict = Stronger(verdict, builtIn);
        return verdict;
    }

    private static PolicyVerdict? Vote(PolicyRule rule, string tool, string text)
    {
        var verb = rule.Decision.ToString().ToLowerInvariant();
        if (rule.Match is null)
            return new(rule.Decision, $"{rule.Name}: {verb} {rule.Tool}");
        try
        {
            return rule.Match.IsMatch(text)
                ? new(rule.Decision, $"{rule.Name}: {tool} matches '{rule.Match}' ({verb})")
                : null;
        }
        catch (RegexMatchTimeoutException)
        {
            // Undecidable input must not slip through an allow rule or past a deny: it asks, or denies if the rule
            // does.
            var decision = rule.Decision == PolicyDecision.Deny ? PolicyDecision.Deny : PolicyDecision.Ask;
            return new(decision, $"{rule.Name}: matching '{rule.Match}' timed out after "
                + $"{rule.Match.MatchTimeout.TotalMilliseconds:0} ms");
        }
    }

    private static PolicyVerdict? BuiltIn(string tool, JsonObject? arguments)
    {
        try
        {
            return BuiltInRules.Decide(tool, arguments) is var (decision, reason) ? new(decision, reason) : null;
        }
        catch (RegexMatchTimeoutException)
        {
            return new(PolicyDecision.Ask, "built-in: matching timed out");
        }
    }

    private static PolicyVerdict Stronger(PolicyVerdict current, PolicyVerdict? vote) =>
        vote is not null && (vote.Decision > current.Decision || current.Reason == NoRule) ? vote : current;

    private static (JsonObject? Arguments, string Text) Parse(string json)
    {
        try
        {
            var node = JsonNode.Parse(json);
            return (node as JsonObject, node?.ToJsonString(Canonical) ?? json);
        }
        catch (JsonException)
        {
            return (null, json);
        }
    }
}
