namespace Bytebot.Host.Auth;

internal static partial class AuthLog
{
    // The path is logged so the user can find the token; the token itself never reaches a log.
    public static void LogAdminToken(this ILogger logger, AdminToken token)
    {
        if (token.FilePath is { } path)
            TokenFile(logger, path);
        else
            TokenFromEnvironment(logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin API token: see {Path} (mode 0600)")]
    private static partial void TokenFile(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin API token: taken from BYTEBOT_TOKEN")]
    private static partial void TokenFromEnvironment(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a bearer token from {RemoteIp}")]
    public static partial void RejectedToken(this ILogger logger, System.Net.IPAddress? remoteIp);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed dashboard sign-in from {RemoteIp}")]
    public static partial void FailedSignIn(this ILogger logger, System.Net.IPAddress? remoteIp);
}
