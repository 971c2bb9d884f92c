namespace Bytebot.Cli;

/// <summary>What a script can branch on; README's CLI section lists them.</summary>
internal static class ExitCodes
{
    public const int Completed = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int NeedsHelp = 3;
    public const int HostError = 4;
    public const int Interrupted = 130;
}

/// <summary>An error the user can act on: printed as one line on stderr, never with a stack trace.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.HostError) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
