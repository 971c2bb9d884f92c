using System.Text.RegularExpressions;

namespace Bytebot.Host.Telemetry;

internal static partial class SecretRedactor
{
    public const string Mask = "[REDACTED]";

    public static string Redact(string text) =>
        SecretQueryValue().Replace(text, match => match.Groups["key"].Value + "=" + Mask);

    [GeneratedRegex(@"(?<![\w-])(?<key>(?:access_token|token|api_key|apikey|key|password|secret))=[^&#\s]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretQueryValue();
}
