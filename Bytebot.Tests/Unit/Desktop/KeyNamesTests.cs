using Bytebot.Desktop.Driver;

namespace Bytebot.Tests.Unit.Desktop;

public sealed class KeyNamesTests
{
    [Theory]
    [InlineData("LeftControl", 0xffe3)]
    [InlineData("ctrl", 0xffe3)]
    [InlineData("CONTROL", 0xffe3)]
    [InlineData("control_l", 0xffe3)]
    [InlineData("Control_R", 0xffe4)]
    [InlineData("alt", 0xffe9)]
    [InlineData("option", 0xffe9)]
    [InlineData("shift", 0xffe1)]
    [InlineData("cmd", 0xffeb)]
    [InlineData("command", 0xffeb)]
    [InlineData("win", 0xffeb)]
    [InlineData("windows", 0xffeb)]
    [InlineData("super", 0xffeb)]
    [InlineData("meta", 0xffeb)]
    [InlineData("esc", 0xff1b)]
    [InlineData("Escape", 0xff1b)]
    [InlineData("del", 0xffff)]
    [InlineData("pgup", 0xff55)]
    [InlineData("Page_Up", 0xff55)]
    [InlineData("pgdn", 0xff56)]
    [InlineData("PageDown", 0xff56)]
    [InlineData("return", 0xff0d)]
    [InlineData("Enter", 0xff0d)]
    [InlineData("space", 0x20)]
    [InlineData("tab", 0xff09)]
    [InlineData("backspace", 0xff08)]
    [InlineData("up", 0xff52)]
    [InlineData("ArrowDown", 0xff54)]
    [InlineData("F1", 0xffbe)]
    [InlineData("F24", 0xffd5)]
    [InlineData("Num0", 0x30)]
    [InlineData("NumPad5", 0xffb5)]
    [InlineData("KP_Add", 0xffab)]
    [InlineData("bracketleft", 0x5b)]
    [InlineData("LeftBracket", 0x5b)]
    [InlineData("Semicolon", 0x3b)]
    [InlineData("AudioVolUp", 0x1008ff13)]
    [InlineData("AudioRandomPlay", 0x1008ff99)]
    [InlineData("a", 0x61)]
    [InlineData("A", 0x41)]
    [InlineData("1", 0x31)]
    [InlineData("/", 0x2f)]
    [InlineData("é", 0xe9)]
    [InlineData("€", 0x10020ac)]
    public void Known_names_resolve_to_their_keysym(string name, long keysym)
    {
        KeyNames.TryResolve(name, out var key).ShouldBeTrue();
        key.Keysym.ShouldBe((nuint)keysym);
        key.Name.ShouldBe(name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ctrl+c")]
    [InlineData("F25")]
    [InlineData("Hyper")]
    [InlineData("ab")]
    [InlineData("\n")]
    public void Unknown_names_do_not_resolve(string name) => KeyNames.TryResolve(name, out _).ShouldBeFalse();
}
