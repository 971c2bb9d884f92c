using Bytebot.Desktop.Contracts;
using Wolverine;

namespace Bytebot.Dashboard.Components.LiveView;

/// <summary>The desktop's launchers, by Bytebot's application names (the desktop maps them to commands).</summary>
internal static class Launchers
{
    private static readonly IReadOnlyList<(string Name, string Label)> All =
    [
        ("firefox", "Firefox"), ("terminal", "Terminal"), ("vscode", "VS Code"), ("thunderbird", "Thunderbird"),
        ("editor", "Text editor"), ("directory", "Files"), ("desktop", "Show desktop"),
    ];

    /// <summary>The launchers of the apps this desktop has: one for an app that is not installed would fail.</summary>
    public static async Task<IReadOnlyList<(string Name, string Label)>> InstalledAsync(IMessageBus bus, CancellationToken cancellationToken)
    {
        var installed = (await bus.InvokeAsync<InstalledApplications>(new ListApplications(), cancellationToken)).Names.ToHashSet();
        return [.. All.Where(app => installed.Contains(app.Name))];
    }
}
