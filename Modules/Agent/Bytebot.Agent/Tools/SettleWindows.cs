using Bytebot.Desktop.Contracts;
using Microsoft.Extensions.Configuration;

namespace Bytebot.Agent.Tools;

/// <summary>
/// How long the agent waits after an input action before the screenshot it answers with
/// (<c>Agent__Settle__{Quiet,Cap}</c>, <c>Agent__Settle__Reaction__{Pointer,Keyboard,Scroll,Click}</c>): up to the
/// action's reaction window for the screen to start changing, then until it has been quiet for <see cref="Quiet"/>.
/// </summary>
/// <remarks>
/// Measured on the managed XFCE desktop (ADR 0057): a terminal paints typed text and Return 40–60 ms after the
/// keys, a context menu opens 50 ms after the click, Firefox's tab hover starts at 60–90 ms; a pointer move over
/// anything else changes nothing at all. The reaction windows sit above those; clicks get the most because they
/// open menus, dialogs and pages.
/// </remarks>
internal sealed record SettleWindows(
    TimeSpan Pointer, TimeSpan Keyboard, TimeSpan Scroll, TimeSpan Click, TimeSpan Quiet, TimeSpan Cap)
{
    public static SettleWindows Default { get; } = new(
        Pointer: TimeSpan.FromMilliseconds(60),
        Keyboard: TimeSpan.FromMilliseconds(100),
        Scroll: TimeSpan.FromMilliseconds(100),
        Click: TimeSpan.FromMilliseconds(150),
        Quiet: TimeSpan.FromMilliseconds(80),
        Cap: TimeSpan.FromSeconds(3));

    public WaitForSettle After(ComputerAction action) => new(Quiet, Cap, Reaction(action)) { ByAgent = true };

    private TimeSpan Reaction(ComputerAction action) => action switch
    {
        MoveMouse or TraceMouse => Pointer,
        TypeText or PasteText or TypeKeys or PressKeys => Keyboard,
        Bytebot.Desktop.Contracts.Scroll => Scroll,
        _ => Click,
    };

    public static SettleWindows Bind(IConfigurationSection settle)
    {
        var reaction = settle.GetSection("Reaction");
        return new SettleWindows(
            reaction.GetValue("Pointer", Default.Pointer),
            reaction.GetValue("Keyboard", Default.Keyboard),
            reaction.GetValue("Scroll", Default.Scroll),
            reaction.GetValue("Click", Default.Click),
            settle.GetValue("Quiet", Default.Quiet),
            settle.GetValue("Cap", Default.Cap));
    }
}
