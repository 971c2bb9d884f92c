using System.Globalization;

namespace Bytebot.Platform.Os;

public static class LinuxProcess
{
    /// <summary>
    /// The command name and state letter from <c>/proc/{pid}/stat</c>, or null when there is no such process. The
    /// name sits in parentheses and may contain spaces and ')', so the state is read after the last ')'.
    /// </summary>
    public static (string Command, char State)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < open || close + 2 >= stat.Length)
                return null;
            return (stat[(open + 1)..close], stat[close + 2]);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// True while the process exists and is not a zombie: a container init that does not reap leaves exited
    /// processes behind as zombies, which run nothing and hold nothing.
    /// </summary>
    public static bool IsRunning(int pid) => Stat(pid) is { State: not 'Z' };

    /// <summary>
    /// When the process started, in clock ticks since boot (field 22 of <c>/proc/{pid}/stat</c>), or null when there is
    /// no such process. A pid is reused once its process is gone; the pid and this together name one process.
    /// </summary>
    public static ulong? StartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // After the last ')' come the fields from 3 (state) on, so field 22 is the 20th.
            var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 19
                && ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                ? ticks
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
