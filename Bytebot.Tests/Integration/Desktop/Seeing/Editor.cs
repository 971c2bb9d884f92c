using System.Diagnostics;

namespace Bytebot.Tests.Integration.Desktop.Seeing;

/// <summary>The managed desktop's text editor (Mousepad) as these tests need it.</summary>
internal static class Editor
{
    /// <summary>
    /// A desktop stopped with the editor open kills it, and the next Mousepad asks whether to restore that session in a
    /// dialog instead of opening its window. The setting lives in dconf, reached over a session bus of its own.
    /// </summary>
    public static void NeverRestoreSessions()
    {
        var info = new ProcessStartInfo("dbus-run-session") { RedirectStandardError = true };
        foreach (var argument in new[] { "--", "gsettings", "set", "org.xfce.mousepad.preferences.file", "session-restore", "never" })
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, error);
    }
}
