using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Apps;

public static class ListApplicationsHandler
{
    public static InstalledApplications Handle(ListApplications message, DesktopActions desktop)
    {
        ArgumentNullException.ThrowIfNull(desktop);
        return new([.. desktop.Options.Applications.Where(app => InstalledPrograms.Has(app.Value.Command[0])).Select(app => app.Key)
            .Append(ApplicationHandler.ShowDesktop).Order(StringComparer.Ordinal)]);
    }
}
