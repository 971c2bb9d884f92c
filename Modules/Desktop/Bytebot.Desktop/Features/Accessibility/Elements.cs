using Bytebot.Desktop.Accessibility;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Accessibility;

/// <summary>
/// Finds the element an action names; an id that is malformed or names nothing is the caller's mistake.
/// </summary>
internal static class Elements
{
    public static async Task<(AtSpi AtSpi, ElementFacts Element)> FindAsync(
        ComputerAction message, string id, DesktopActions desktop, CancellationToken cancellationToken)
    {
        if (AccessibleRef.Parse(id) is not { } element)
            throw new ComputerActionRejectedException("id",
                $"must be the id of an element from accessibility_tree (such as 1.12/10), but is '{Shorten(id)}'.");
        var atspi = await desktop.Queue.RunAsync(message, desktop.Accessibility.ConnectAsync, cancellationToken);
        return await ElementFacts.ReadAsync(atspi, element, cancellationToken) is { } facts
            ? (atspi, facts)
            : throw new ComputerActionRejectedException("id", Gone(id));
    }

    public static string Gone(string id) =>
        $"No element '{id}' answers on the desktop (its window may have closed, or its application is busy for more "
        + "than 3 s); read accessibility_tree again.";

    /// <summary>"The menu 'File'": each message about an element starts with it.</summary>
    public static string Describe(ElementFacts element) =>
        element.Name.Length > 0 ? $"The {element.Role} '{element.Name}'" : $"The {element.Role}";

    public static string Shorten(string? text) => text is null ? "null" : text.Length <= 80 ? text : text[..80] + "…";
}
