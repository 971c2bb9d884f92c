using Bytebot.Agent.Tools;
using Bytebot.Desktop.Contracts;
using Microsoft.Extensions.Configuration;

namespace Bytebot.Tests.Unit.Agent;

public sealed class SettleWindowsTests
{
    private static readonly Coordinates Point = new(10, 10);

    private static readonly SettleWindows Windows = new(
        Pointer: TimeSpan.FromMilliseconds(1), Keyboard: TimeSpan.FromMilliseconds(2), Scroll: TimeSpan.FromMilliseconds(3),
        Click: TimeSpan.FromMilliseconds(4), Quiet: TimeSpan.FromMilliseconds(5), Cap: TimeSpan.FromMilliseconds(6));

    public static TheoryData<ComputerAction, int> Reactions => new()
    {
        { new MoveMouse(Point), 1 },
        { new TraceMouse([Point, Point], []), 1 },
        { new TypeText("hi"), 2 },
        { new PasteText("hi"), 2 },
        { new TypeKeys(["Return"]), 2 },
        { new PressKeys(["shift"], Press.Down), 2 },
        { new Scroll(Direction.Down, 2, Point, []), 3 },
        { new ClickMouse(PointerButton.Left, 1, Point, []), 4 },
        { new DragMouse([Point, Point], PointerButton.Left, []), 4 },
        { new Application("terminal"), 4 },
    };

    [Theory]
    [MemberData(nameof(Reactions))]
    public void Each_input_action_waits_for_its_own_reaction_then_the_common_quiet(ComputerAction action, int reaction)
    {
        var settle = Windows.After(action);

        settle.Reaction.ShouldBe(TimeSpan.FromMilliseconds(reaction));
        settle.Quiet.ShouldBe(Windows.Quiet);
        settle.Cap.ShouldBe(Windows.Cap);
        settle.ByAgent.ShouldBeTrue();
    }

    [Fact]
    public void Configuration_overrides_each_window_and_keeps_the_defaults_of_the_others()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Settle:Reaction:Click"] = "00:00:00.400",
            ["Settle:Quiet"] = "00:00:00.120",
        }).Build().GetSection("Settle");

        var bound = SettleWindows.Bind(section);

        bound.ShouldBe(SettleWindows.Default with
        {
            Click = TimeSpan.FromMilliseconds(400), Quiet = TimeSpan.FromMilliseconds(120),
        });
    }
}
