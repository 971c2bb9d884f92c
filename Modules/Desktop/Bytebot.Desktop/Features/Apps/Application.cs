using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Apps;

public static class ApplicationHandler
{
    public const string ShowDesktop = "desktop";
    private static readonly string[] BytebotNames = ["firefox", "1password", "thunderbird", "vscode", "terminal", "desktop", "directory"];
    private static readonly TimeSpan WmctrlTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LaunchPoll = TimeSpan.FromMilliseconds(100);

    public static Task<ActionCompleted> HandleAsync(Application message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var apps = desktop.Options.Applications;
        var name = message.Name.Trim();
        AppEntry? app = null;
        if (!name.Equals(ShowDesktop, StringComparison.OrdinalIgnoreCase) && !apps.TryGetValue(name, out app))
        {
            var problem = BytebotNames.Contains(name, StringComparer.OrdinalIgnoreCase)
                ? $"'{name}' is not installed on this desktop (configure Desktop:Applications:{name} to enable it)."
                : $"Unknown application '{name}'; expected one of {string.Join(", ", apps.Keys.Append(ShowDesktop).Order(StringComparer.Ordinal))}.";
            throw new ComputerActionRejectedException("application", problem);
        }
        if (app is not null && !InstalledPrograms.Has(app.Command[0]))
            throw new ComputerActionRejectedException("application",
                $"'{name}' is not installed on this desktop: '{app.Command[0]}' is not on PATH (build/setup installs the desktop's apps).");
        return desktop.Queue.RunAsync(message, async token =>
        {
            if (app is null)
                await desktop.Runner.RunAsync(desktop.Options.ShowDesktopCommand, desktop.Environment.Display, WmctrlTimeout, token);
            else if (app.WindowClass is { } windowClass && await IsOpenAsync(desktop, windowClass, token))
            {
                await desktop.Runner.RunAsync(["wmctrl", "-x", "-a", windowClass], desktop.Environment.Display, WmctrlTimeout, token);
                await desktop.Runner.RunAsync(["wmctrl", "-x", "-r", windowClass, "-b", "add,maximized_vert,maximized_horz"], desktop.Environment.Display, WmctrlTimeout, token);
            }
            else
            {
                await desktop.Runner.StartDetachedAsync(app.Command, desktop.Environment.Display, token);
                // Done means the window is there: input sent right after a bare launch went to whatever had focus before.
                if (app.WindowClass is { } launchedClass)
                    await WaitForWindowAsync(desktop, name, launchedClass, token);
            }
            return ActionCompleted.Instance;
        }, cancellationToken);
    }

    private static async Task WaitForWindowAsync(DesktopActions desktop, string name, string windowClass, CancellationToken cancellationToken)
    {
        var timeout = desktop.Options.LaunchTimeout;
        for (var waited = TimeSpan.Zero; waited < timeout; waited += LaunchPoll)
        {
            if (await IsOpenAsync(desktop, windowClass, cancellationToken))
            {
                await desktop.Runner.RunAsync(["wmctrl", "-x", "-a", windowClass], desktop.Environment.Display, WmctrlTimeout, cancellationToken);
                return;
            }
            await Task.Delay(LaunchPoll, cancellationToken);
        }
        throw new ApplicationDidNotStartException(
            $"'{name}' was started but showed no window of class '{windowClass}' within {timeout.TotalSeconds:0.#} s "
            + "(Desktop:LaunchTimeout); run its command on the desktop by hand to see why.");
    }

    private static async Task<bool> IsOpenAsync(DesktopActions desktop, string windowClass, CancellationToken cancellationToken)
    {
        var windows = await desktop.Runner.RunAsync(["wmctrl", "-lx"], desktop.Environment.Display, WmctrlTimeout, cancellationToken);
        return windows.ExitCode == 0 && windows.StandardOutput.Contains(windowClass, StringComparison.OrdinalIgnoreCase);
    }
}
