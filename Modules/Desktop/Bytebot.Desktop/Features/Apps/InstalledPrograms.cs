namespace Bytebot.Desktop.Features.Apps;

/// <summary>Whether a program is there to run: an absolute path that exists, or a name found on PATH.</summary>
internal static class InstalledPrograms
{
    public static bool Has(string program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (program.Contains('/', StringComparison.Ordinal))
            return IsExecutable(program);
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Any(directory => IsExecutable(Path.Combine(directory, program)));
    }

    private static bool IsExecutable(string file) =>
        File.Exists(file) && (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
