using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bytebot.Desktop.X11;

/// <summary>
/// Xlib's default handlers call <c>exit()</c>: on a protocol error (a window that closed meanwhile) and when the
/// server goes away. These record the event instead. Xlib calls them on the thread that made the failing call,
/// which is always a connection's X thread, so the state is per thread.
/// </summary>
internal static unsafe class XErrors
{
    [ThreadStatic]
    private static int t_count;

    [ThreadStatic]
    private static byte t_lastCode;

    [ThreadStatic]
    private static byte t_lastRequest;

    [ThreadStatic]
    private static bool t_connectionLost;

    private static readonly Lazy<bool> Installed = new(() =>
    {
        Xlib.XSetErrorHandler(&OnError);
        Xlib.XSetIOErrorHandler(&OnIOError);
        return true;
    });

    public static int Count => t_count;

    public static string Last => $"X error {t_lastCode} on request {t_lastRequest}";

    public static bool ConnectionLost => t_connectionLost;

    public static void InstallProcessHandlers() => _ = Installed.Value;

    public static void Watch(nint display)
    {
        t_connectionLost = false;
        Xlib.XSetIOErrorExitHandler(display, &OnIOErrorExit, 0);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnError(nint display, Xlib.XErrorEvent* error)
    {
        t_count++;
        t_lastCode = error->ErrorCode;
        t_lastRequest = error->RequestCode;
        return 0;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnIOError(nint display)
    {
        t_connectionLost = true;
        return 0;
    }

    /// <summary>Returning marks the Display dead; later calls on it return at once and it must not be closed.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnIOErrorExit(nint display, nint userData) => t_connectionLost = true;
}
