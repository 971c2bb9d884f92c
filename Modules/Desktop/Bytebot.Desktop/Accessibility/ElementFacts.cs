using Bytebot.Desktop.Contracts;

namespace Bytebot.Desktop.Accessibility;

/// <summary>What the desktop reads of one accessible object to list it or act on it.</summary>
internal sealed record ElementFacts(
    AccessibleRef Ref, string Role, string Name, AccessibleStates States, IReadOnlySet<string> Interfaces,
    ScreenRegion? Bounds, IReadOnlyList<string> Actions, string? Value)
{
    public const int MaxValueLength = 200;

    // Roles whose name is usually on a label next to them rather than on them.
    private static readonly HashSet<string> Labelled = new(StringComparer.Ordinal)
    {
        "text", "entry", "password text", "spin button", "combo box", "slider",
    };

    public bool Showing => States.Has(AccessibleStates.Showing);

    public bool Has(string @interface) => Interfaces.Contains("org.a11y.atspi." + @interface);

    public AccessibleElement ToElement(string? parent, int depth) =>
        new(Ref.Id, parent, depth, Role, Name, States.Described(), Bounds, Actions, Value);

    /// <summary>Reads the element; null when it is not there any more or does not answer.</summary>
    public static async Task<ElementFacts?> ReadAsync(
        AtSpi atspi, AccessibleRef element, CancellationToken cancellationToken)
    {
        try
        {
            var role = atspi.RoleNameAsync(element, cancellationToken);
            var name = atspi.NameAsync(element, cancellationToken);
            var states = atspi.StatesAsync(element, cancellationToken);
            var interfaces = atspi.InterfacesAsync(element, cancellationToken);
            await Task.WhenAll(role, name, states, interfaces).ConfigureAwait(false);
            var has = interfaces.Result.ToHashSet(StringComparer.Ordinal);
            var facts = new ElementFacts(element, role.Result, name.Result.Trim(), states.Result, has, null, [], null);
            if (!facts.Showing)
                return facts;
            var bounds = facts.Has("Component")
                ? atspi.ExtentsAsync(element, cancellationToken)
                : Task.FromResult<ScreenRegion?>(null);
            var actions = facts.Has("Action")
                ? atspi.ActionsAsync(element, cancellationToken)
                : Task.FromResult<string[]>([]);
            var value = ValueAsync(atspi, facts, cancellationToken);
            var label = facts.Name.Length == 0 && Labelled.Contains(facts.Role)
                ? LabelAsync(atspi, element, cancellationToken)
                : Task.FromResult("");
            await Task.WhenAll(bounds, actions, value, label).ConfigureAwait(false);
            return facts with
            {
                Name = facts.Name.Length > 0 ? facts.Name : label.Result,
                Bounds = bounds.Result,
                Actions = [.. actions.Result.Select(a => a.ToLowerInvariant())],
                Value = value.Result,
            };
        }
        catch (Exception e) when (AtSpiErrors.IsGone(e) || e is TimeoutException)
        {
            return null;
        }
    }

    // A password field's text is never read.
    private static async Task<string?> ValueAsync(AtSpi atspi, ElementFacts facts, CancellationToken cancellationToken)
    {
        if (facts.Role == "password text")
            return null;
        if (facts.Has("EditableText") || (facts.Has("Text") && Labelled.Contains(facts.Role)))
            return await atspi.TextAsync(facts.Ref, MaxValueLength, cancellationToken).ConfigureAwait(false);
        if (facts.Has("Value")
            && await atspi.NumberAsync(facts.Ref, cancellationToken).ConfigureAwait(false) is var number
            && !double.IsNaN(number))
            return number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return null;
    }

    private static async Task<string> LabelAsync(
        AtSpi atspi, AccessibleRef element, CancellationToken cancellationToken)
    {
        var labels = await atspi.LabelsAsync(element, cancellationToken).ConfigureAwait(false);
        if (labels.Length == 0)
            return "";
        var name = await atspi.NameAsync(labels[0], cancellationToken).ConfigureAwait(false);
        return name.Trim().TrimEnd(':');
    }
}
