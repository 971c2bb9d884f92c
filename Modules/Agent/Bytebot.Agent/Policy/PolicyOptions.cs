using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Bytebot.Agent.Policy;

internal enum PolicyDecision
{
    Allow,
    Ask,
    Deny,
}

/// <summary>One <c>Agent:Policy:Rules:N</c> entry; a null <c>Match</c> matches any arguments.</summary>
internal sealed record PolicyRule(string Name, string Tool, Regex? Match, PolicyDecision Decision)
{
    private readonly Regex _tool = new(
        "^" + Regex.Escape(Tool).Replace(@"\*", ".*", StringComparison.Ordinal) + "$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public bool AppliesTo(string tool) => _tool.IsMatch(tool);
}

/// <summary>The <c>Agent:Policy</c> section; bad entries stop the start, naming the setting.</summary>
internal sealed record PolicyOptions(IReadOnlyList<PolicyRule> Rules, bool Defaults, TimeSpan ApprovalTimeout)
{
    /// <summary>A rule's regex gets this long per call; one that runs out counts as asking (fail closed).</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(250);

    public static PolicyOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Agent:Policy");
        var rules = new List<PolicyRule>();
        foreach (var entry in section.GetSection("Rules").GetChildren())
        {
            var name = $"Agent:Policy:Rules:{entry.Key}";
            var tool = entry["Tool"] is { Length: > 0 } t ? t.Trim()
                : throw new InvalidOperationException($"{name}:Tool is required (a tool name; * is a wildcard).");
            var decision = entry["Decision"]?.Trim().ToLowerInvariant() switch
            {
                "allow" => PolicyDecision.Allow,
                "ask" => PolicyDecision.Ask,
                "deny" => PolicyDecision.Deny,
                var other => throw new InvalidOperationException(
                    $"{name}:Decision must be allow, ask or deny, not '{other}'."),
            };
            Regex? match = null;
            if (entry["Match"] is { Length: > 0 } pattern)
            {
                try
                {
                    match = new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
                }
                catch (ArgumentException e)
                {
                    throw new InvalidOperationException(
                        $"{name}:Match is not a valid .NET regular expression: {e.Message}", e);
                }
            }
            rules.Add(new PolicyRule($"rule {entry.Key}", tool, match, decision));
        }
        var defaults = Flag(section, "Defaults", true);
        var timeout = section["ApprovalTimeout"] is { Length: > 0 } text
            ? TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
              && parsed > TimeSpan.Zero
                ? parsed
                : throw new InvalidOperationException(
                    $"Agent:Policy:ApprovalTimeout must be a positive time span such as 00:15:00, not '{text}'.")
            : TimeSpan.FromMinutes(15);
        return new PolicyOptions(rules, defaults, timeout);
    }

    private static bool Flag(IConfigurationSection section, string key, bool fallback) => section[key] switch
    {
        null or "" => fallback,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw new InvalidOperationException(
            $"Agent:Policy:{key} must be true or false, not '{text}'."),
    };
}
