using System.Globalization;
using Bytebot.Desktop.Accessibility;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Desktop.Features.Keyboard;

namespace Bytebot.Desktop.Features.Accessibility;

/// <summary>
/// Sets the text or number through the element itself: no typing, and (unlike a focus grab) no raised window.
/// </summary>
public static class SetValueHandler
{
    public static async Task<ActionCompleted> HandleAsync(
        SetValue message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        // The rules of type_text: what is set is what the person watching can see.
        var violations = new Violations();
        TextRules.Check(violations, message.Value, "value");
        violations.ThrowIfAny();
        var value = await desktop.RevealAsync(message.Value, "value", cancellationToken);
        var (atspi, element) = await Elements.FindAsync(message, message.Id, desktop, cancellationToken);
        if (element.Has("EditableText") && !element.States.Has(AccessibleStates.ReadOnly))
            return await desktop.Queue.RunAsync(message, async token =>
                await atspi.SetTextAsync(element.Ref, value, token)
                    ? ActionCompleted.Instance
                    : throw new ComputerActionRejectedException("id",
                        $"{Elements.Describe(element)} refused the text."),
                cancellationToken);
        if (!element.Has("Value"))
            throw new ComputerActionRejectedException("id",
                $"{Elements.Describe(element)} holds no editable text or number.");
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            || !double.IsFinite(number))
            throw new ComputerActionRejectedException("value", $"{Elements.Describe(element)} takes a number, "
                + $"but '{Elements.Shorten(message.Value)}' is not one.");
        return await desktop.Queue.RunAsync(message, async token =>
        {
            await atspi.SetNumberAsync(element.Ref, number, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
