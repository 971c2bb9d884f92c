using System.Text.Json;
using Bytebot.Desktop.Accessibility;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Tests.Unit.Desktop;

/// <summary>Element ids: short for the paths every application uses, whole for others, and nothing else parses.</summary>
public sealed class AccessibleRefTests
{
    [Theory]
    [InlineData(":1.12", "/org/a11y/atspi/accessible/10", "1.12/10")]
    [InlineData(":1.12", "/org/a11y/atspi/accessible/root", "1.12/root")]
    [InlineData(":1.3", "/org/kde/accessible/7", "1.3/org/kde/accessible/7")]
    [InlineData("org.webkit.Web1", "/org/a11y/atspi/accessible/2", "org.webkit.Web1/2")]
    public void An_element_id_is_short_and_parses_back_to_its_bus_and_path(string bus, string path, string id)
    {
        var element = new AccessibleRef(bus, path);

        element.Id.ShouldBe(id);
        AccessibleRef.Parse(id).ShouldBe(element);
    }

    [Theory]
    [InlineData("")]
    [InlineData("File")]
    [InlineData("1.12")]
    [InlineData("1.12/")]
    [InlineData(":1.12/10")]
    [InlineData("1.12//10")]
    [InlineData("1.12/10/../x")]
    [InlineData("1.12/10\n")]
    [InlineData("1.12/a b")]
    [InlineData("/org/a11y/atspi/accessible/1")]
    public void Anything_else_is_not_an_element_id(string id) => AccessibleRef.Parse(id).ShouldBeNull();

    [Fact]
    public void The_accessibility_actions_parse_with_the_active_window_as_the_default()
    {
        static ComputerAction Parse(string json) => ActionParser.Parse(JsonDocument.Parse(json).RootElement);

        Parse("""{"action":"accessibility_tree"}""").ShouldBe(new AccessibilityTree("active"));
        Parse("""{"action":"accessibility_tree","window":"1.12/1"}""").ShouldBe(new AccessibilityTree("1.12/1"));
        Parse("""{"action":"click_element","id":"1.12/10"}""").ShouldBe(new ClickElement("1.12/10"));
        Parse("""{"action":"focus_element","id":"1.12/10"}""").ShouldBe(new FocusElement("1.12/10"));
        Parse("""{"action":"set_value","id":"1.12/10","value":""}""").ShouldBe(new SetValue("1.12/10", ""));
        Should.Throw<ComputerActionRejectedException>(() => Parse("""{"action":"set_value","id":"1.12/10"}""")).Errors.Keys.ShouldBe(["value"]);
    }

    [Fact]
    public void States_name_what_is_set_except_showing_and_visible()
    {
        var states = AccessibleStates.From([(1u << 1) | (1u << 8) | (1u << 25) | (1u << 30), 1u << (43 - 32)]);

        states.Has(AccessibleStates.Active).ShouldBeTrue();
        states.Has(AccessibleStates.Focusable).ShouldBeFalse();
        states.Described().ShouldBe(["active", "enabled", "read-only"]);
    }
}
