namespace Bytebot.Cli.Connection;

/// <summary>Which host and token a command uses: flags, then <c>BYTEBOT_URL</c>/<c>BYTEBOT_TOKEN</c>, then the login.</summary>
internal sealed record HostTarget(Uri Url, string? Token)
{
    public const string DefaultUrl = "http://127.0.0.1:9990";

    public static HostTarget Resolve(string? urlFlag, string? tokenFlag)
    {
        var stored = StoredLogin.Read();
        var url = First(urlFlag, Environment.GetEnvironmentVariable("BYTEBOT_URL"), stored?.Url) ?? DefaultUrl;
        var token = First(tokenFlag, Environment.GetEnvironmentVariable("BYTEBOT_TOKEN"), stored?.Token);
        return new HostTarget(ParseUrl(url), token);
    }

    public static Uri ParseUrl(string url) =>
        Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new CliException($"'{url}' is not an http(s) URL.", ExitCodes.Usage);

    private static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
