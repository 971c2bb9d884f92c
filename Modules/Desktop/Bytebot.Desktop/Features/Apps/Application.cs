using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Platform.Messaging;
using Microsoft.Extensions.Options;

namespace Bytebot.Desktop.Features.Apps;

internal sealed class ApplicationHandler(ICommandRunner runner, IDesktopEnvironment desktop, IOptions<ComputerUseOptions> options, ActionQueue queue)
    : IHandler<Application, ActionCompleted>
{
    public const string ShowDesktop = "desktop";
    private static readonly string[] BytebotNames = ["firefox", "1password", "thunderbird", "vscode", "terminal", "desktop", "directory"];
    private static readonly TimeSpan WmctrlTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LaunchTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan LaunchPoll = TimeSpan.FromMilliseconds(100);

    public Task<ActionCompleted> HandleAsync(Application message, CancellationToken cancellationToken)
    {
        var apps = options.Value.Applications;
        var name = message.Name.Trim();
        AppEntry? app = null;
        if (!name.Equals(ShowDesktop, StringComparison.OrdinalIgnoreCase) && !apps.TryGetValue(name, out app))
        {
            var problem = BytebotNames.Contains(name, StringComparer.OrdinalIgnoreCase)
                ? $"'{name}' is not installed on this desktop (configure Desktop:Applications:{name} to enable it)."
                : $"Unknown application '{name}'; expected one of {string.Join(", ", apps.Keys.Append(ShowDesktop).Order(StringComparer.Ordinal))}.";
            throw new ComputerActionRejectedException("application", problem);
        }
        return queue.RunAsync(message, async token =>
        {
            if (app is null)
                await runner.RunAsync(options.Value.ShowDesktopCommand, desktop.Display, WmctrlTimeout, token);
            else if (app.WindowClass is { } windowClass && await IsOpenAsync(windowClass, token))
            {
                await runner.RunAsync(["wmctrl", "-x", "-a", windowClass], desktop.Display, WmctrlTimeout, token);
                await runner.RunAsync(["wmctrl", "-x", "-r", windowClass, "-b", "add,maximized_vert,maximized_horz"], desktop.Display, WmctrlTimeout, token);
            }
            else
            {
                await runner.StartDetachedAsync(app.Command, desktop.Display, token);
                // Done means the window is there: input sent right after a bare launch went to whatever had focus before.
                if (app.WindowClass is { } launchedClass)
                    await WaitForWindowAsync(launchedClass, token);
            }
            return ActionCompleted.Instance;
        }, cancellationToken);
    }

    private async Task WaitForWindowAsync(string windowClass, CancellationToken cancellationToken)
    {
        for (var waited = TimeSpan.Zero; waited < LaunchTimeout; waited += LaunchPoll)
        {
            if (await IsOpenAsync(windowClass, cancellationToken))
            {
                await runner.RunAsync(["wmctrl", "-x", "-a", windowClass], desktop.Display, WmctrlTimeout, cancellationToken);
                return;
            }
            await Task.Delay(LaunchPoll, cancellationToken);
        }
    }

    private async Task<bool> IsOpenAsync(string windowClass, CancellationToken cancellationToken)
    {
        var windows = await runner.RunAsync(["wmctrl", "-lx"], desktop.Display, WmctrlTimeout, cancellationToken);
        return windows.ExitCode == 0 && windows.StandardOutput.Contains(windowClass, StringComparison.OrdinalIgnoreCase);
    }
}
