using System.Text.Json;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Tests.Unit.Desktop;

public sealed class ActionParserTests
{
    private static ComputerAction Parse(string json) => ActionParser.Parse(JsonDocument.Parse(json).RootElement);

    private static IReadOnlyDictionary<string, string[]> Errors(string json) =>
        Should.Throw<ComputerActionRejectedException>(() => Parse(json)).Errors;

    [Fact]
    public void The_parser_knows_Bytebots_sixteen_actions_and_ours() =>
        ActionParser.Actions.Order(StringComparer.Ordinal).ShouldBe([
            "accessibility_tree", "application", "click_element", "click_mouse", "cursor_position", "drag_mouse", "find_text",
            "focus_element", "move_mouse", "paste_text", "press_keys", "press_mouse", "read_file", "read_screen", "screenshot",
            "scroll", "set_value", "trace_mouse", "type_keys", "type_text", "wait", "write_file", "zoom",
        ]);

    [Fact]
    public void Zoom_reads_anthropics_corner_region_with_exclusive_right_and_bottom_edges() =>
        Parse("""{"action":"zoom","region":[10,20,210,120],"format":"jpeg"}""")
            .ShouldMatch(new Zoom(new ScreenRegion(10, 20, 200, 100), ImageEncoding.Jpeg));

    [Theory]
    [InlineData("""{"action":"zoom"}""", "region")]
    [InlineData("""{"action":"zoom","region":[1,2,3]}""", "region")]
    [InlineData("""{"action":"zoom","region":[1,2,3,4,5]}""", "region")]
    [InlineData("""{"action":"zoom","region":[5,5,5,10]}""", "region")]
    [InlineData("""{"action":"zoom","region":[-2147483648,0,2147483647,10]}""", "region")]
    [InlineData("""{"action":"zoom","region":[1,"2",3,4]}""", "region[1]")]
    [InlineData("""{"action":"zoom","region":[1,2.5,3,4]}""", "region[1]")]
    [InlineData("""{"action":"zoom","region":{"x":1,"y":2,"width":3,"height":4}}""", "region")]
    [InlineData("""{"action":"zoom","region":[0,0,10,10],"format":"gif"}""", "format")]
    public void A_malformed_zoom_is_rejected_naming_the_field(string json, string field) =>
        Errors(json).Keys.ShouldContain(field);

    [Fact]
    public void Click_mouse_reads_every_field_with_Bytebots_names() =>
        Parse("""{"action":"click_mouse","button":"right","clickCount":2,"coordinates":{"x":1,"y":2},"holdKeys":["shift"]}""")
            .ShouldMatch(new ClickMouse(PointerButton.Right, 2, new Coordinates(1, 2), ["shift"]));

    [Fact]
    public void Optional_fields_take_Bytebots_defaults_except_the_type_keys_delay_which_is_zero()
    {
        Parse("""{"action":"scroll","direction":"up","scrollCount":1}""").ShouldMatch(new Scroll(Direction.Up, 1, null, []));
        Parse("""{"action":"type_keys","keys":["a"]}""").ShouldMatch(new TypeKeys(["a"], 0, false));
        Parse("""{"action":"type_text","text":"x"}""").ShouldMatch(new TypeText("x", 0, false));
        Parse("""{"action":"screenshot"}""").ShouldMatch(new Screenshot());
    }

    [Fact]
    public void Both_spellings_of_the_sensitive_flag_mark_text_as_sensitive()
    {
        Parse("""{"action":"type_text","text":"pw","sensitive":true}""").ShouldBeOfType<TypeText>().Sensitive.ShouldBeTrue();
        Parse("""{"action":"paste_text","text":"pw","isSensitive":true}""").ShouldBeOfType<PasteText>().Sensitive.ShouldBeTrue();
    }

    [Fact]
    public void Screenshot_options_are_read_including_the_region()
    {
        var screenshot = Parse("""{"action":"screenshot","format":"webp","quality":50,"maxWidth":800,"maxHeight":600,"region":{"x":1,"y":2,"width":3,"height":4}}""");

        screenshot.ShouldMatch(new Screenshot(ImageEncoding.Webp, 50, null, 800, 600, new ScreenRegion(1, 2, 3, 4)));
    }

    [Fact]
    public void Write_file_data_is_decoded_from_base64() =>
        Parse("""{"action":"write_file","path":"a.txt","data":"aGk="}""").ShouldBeOfType<WriteFile>().Data.ShouldBe("hi"u8.ToArray());

    [Fact]
    public void A_missing_action_and_an_unknown_action_are_both_named_action()
    {
        Errors("""{"coordinates":{"x":1,"y":1}}""").Keys.ShouldBe(["action"]);
        Errors("""{"action":"teleport"}""")["action"].Single().ShouldContain("teleport");
    }

    [Fact]
    public void Nested_problems_are_keyed_by_their_full_path() =>
        Errors("""{"action":"drag_mouse","button":"left","path":[{"x":1,"y":1},{"x":"2","y":2},{"y":3,"w":1}]}""").Keys.Order(StringComparer.Ordinal)
            .ShouldBe(["path[1].x", "path[2].w", "path[2].x"]);

    [Fact]
    public void Null_counts_as_missing_for_required_fields_and_as_absent_for_optional_ones()
    {
        Errors("""{"action":"wait","duration":null}""").Keys.ShouldBe(["duration"]);
        Parse("""{"action":"click_mouse","button":"left","clickCount":1,"coordinates":null}""").ShouldBeOfType<ClickMouse>().Coordinates.ShouldBeNull();
    }

    [Fact]
    public void Enum_values_are_matched_exactly_as_Bytebots_validator_does()
    {
        Errors("""{"action":"press_mouse","button":"Left","press":"down"}""").Keys.ShouldBe(["button"]);
        Errors("""{"action":"press_mouse","button":"left","press":"DOWN"}""").Keys.ShouldBe(["press"]);
    }
}

internal static class ComputerActionAssertions
{
    // Records compare lists by reference; their JSON is the contract that matters.
    public static void ShouldMatch(this ComputerAction actual, ComputerAction expected) =>
        JsonSerializer.Serialize(actual, actual.GetType()).ShouldBe(JsonSerializer.Serialize(expected, expected.GetType()));
}
