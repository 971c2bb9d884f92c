using System.Net;
using System.Text;

namespace Bytebot.Tests.Integration.Desktop.ComputerUse;

/// <summary>reliability.md S5: bad input is a 400 problem+json naming the field, and nothing reaches the display.</summary>
[Collection(RecordingHostGroup.Name)]
public sealed class ComputerUseValidationTests(RecordingComputerUseHost host)
{
    private readonly HttpClient _client = host.CreateClient();

    public static TheoryData<string, string> InvalidBodies() => new()
    {
        { """{}""", "action" },
        { """{"action":null}""", "action" },
        { """{"action":"fly"}""", "action" },
        { """{"action":42}""", "action" },
        { """{"action":"move_mouse"}""", "coordinates" },
        { """{"action":"move_mouse","coordinates":{"x":1}}""", "coordinates.y" },
        { """{"action":"move_mouse","coordinates":{"x":"1","y":2}}""", "coordinates.x" },
        { """{"action":"move_mouse","coordinates":{"x":1.5,"y":2}}""", "coordinates.x" },
        { """{"action":"move_mouse","coordinates":{"x":1e300,"y":2}}""", "coordinates.x" },
        { """{"action":"move_mouse","coordinates":{"x":1,"y":2,"z":3}}""", "coordinates.z" },
        { """{"action":"move_mouse","coordinates":{"x":-1,"y":2}}""", "coordinates" },
        { """{"action":"move_mouse","coordinates":{"x":1280,"y":2}}""", "coordinates" },
        { """{"action":"move_mouse","coordinates":{"x":1,"y":2},"speed":3}""", "speed" },
        { """{"action":"move_mouse","coordinates":{"x":1,"y":2},"coordinates":{"x":1,"y":2}}""", "coordinates" },
        { """{"action":"trace_mouse"}""", "path" },
        { """{"action":"trace_mouse","path":[]}""", "path" },
        { """{"action":"trace_mouse","path":[{"x":1,"y":1},{"x":5000,"y":1}]}""", "path[1]" },
        { """{"action":"trace_mouse","path":[{"x":1,"y":1},7]}""", "path[1]" },
        { """{"action":"trace_mouse","path":[{"x":1,"y":1}],"holdKeys":["hyper-meta"]}""", "holdKeys[0]" },
        { """{"action":"click_mouse","clickCount":1}""", "button" },
        { """{"action":"click_mouse","button":"left"}""", "clickCount" },
        { """{"action":"click_mouse","button":"LEFT","clickCount":1}""", "button" },
        { """{"action":"click_mouse","button":"left","clickCount":0}""", "clickCount" },
        { """{"action":"click_mouse","button":"left","clickCount":-3}""", "clickCount" },
        { """{"action":"click_mouse","button":"left","clickCount":1000}""", "clickCount" },
        { """{"action":"click_mouse","button":"left","clickCount":1,"holdKeys":"shift"}""", "holdKeys" },
        { """{"action":"click_mouse","button":"left","clickCount":1,"holdKeys":["shift",3]}""", "holdKeys[1]" },
        { """{"action":"press_mouse","button":"left"}""", "press" },
        { """{"action":"press_mouse","button":"left","press":"sideways"}""", "press" },
        { """{"action":"drag_mouse","path":[{"x":1,"y":1}]}""", "button" },
        { """{"action":"scroll","direction":"diagonal","scrollCount":1}""", "direction" },
        { """{"action":"scroll","direction":"up","scrollCount":0}""", "scrollCount" },
        { """{"action":"type_keys"}""", "keys" },
        { """{"action":"type_keys","keys":[]}""", "keys" },
        { """{"action":"type_keys","keys":["ctrl","nosuchkey"]}""", "keys[1]" },
        { """{"action":"type_keys","keys":["a"],"delay":-1}""", "delay" },
        { """{"action":"type_keys","keys":["a"],"chord":"yes"}""", "chord" },
        { """{"action":"press_keys","keys":["a"]}""", "press" },
        { """{"action":"press_keys","keys":["bogus"],"press":"down"}""", "keys[0]" },
        { """{"action":"type_text"}""", "text" },
        { """{"action":"type_text","text":5}""", "text" },
        { """{"action":"type_text","text":"a","delay":-5}""", "delay" },
        { """{"action":"type_text","text":"a\u0000b"}""", "text" },
        { """{"action":"type_text","text":"\ud800"}""", "text" },
        { """{"action":"paste_text"}""", "text" },
        { """{"action":"zoom","region":[1200,900,1300,960]}""", "region" },
        { """{"action":"zoom","region":[-1,0,10,10]}""", "region" },
        { """{"action":"zoom","region":[0,0,10]}""", "region" },
        { """{"action":"zoom","region":[0,0,10,10],"scale":2}""", "scale" },
        { """{"action":"wait"}""", "duration" },
        { """{"action":"wait","duration":-1}""", "duration" },
        { """{"action":"wait","duration":86400000}""", "duration" },
        { """{"action":"screenshot","format":"gif"}""", "format" },
        { """{"action":"screenshot","quality":0}""", "quality" },
        { """{"action":"screenshot","quality":101}""", "quality" },
        { """{"action":"screenshot","scale":0}""", "scale" },
        { """{"action":"screenshot","scale":2}""", "scale" },
        { """{"action":"screenshot","scale":0.5,"maxWidth":100}""", "scale" },
        { """{"action":"screenshot","maxWidth":0}""", "maxWidth" },
        { """{"action":"screenshot","region":{"x":0,"y":0,"width":2000,"height":10}}""", "region.width" },
        { """{"action":"screenshot","region":{"x":1200,"y":0,"width":100,"height":10}}""", "region" },
        { """{"action":"screenshot","region":{"x":0,"y":0,"width":10}}""", "region.height" },
        { """{"action":"cursor_position","x":1}""", "x" },
        { """{"action":"application"}""", "application" },
        { """{"action":"application","application":"minesweeper"}""", "application" },
        { """{"action":"write_file","path":"a.txt"}""", "data" },
        { """{"action":"write_file","path":"a.txt","data":"not base64!"}""", "data" },
        { """{"action":"read_file"}""", "path" },
        { """[1,2,3]""", "$" },
        { """not json""", "$" },
        { """{"action":"move_mouse","coordinates":""" + new string('[', 100) + new string(']', 100) + "}", "$" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task An_invalid_body_is_a_400_problem_naming_the_field_and_nothing_reaches_the_display(string body, string field)
    {
        var before = host.Recorder!.Events.Count;

        await (await _client.PostActionAsync(body)).ShouldBeRejectedAsync(field);

        host.Recorder.Events.Count.ShouldBe(before);
    }

    [Fact]
    public async Task An_unknown_key_among_valid_ones_is_named_and_no_key_is_pressed()
    {
        var before = host.Recorder!.Events.Count;

        var messages = await (await _client.PostActionAsync("""{"action":"type_keys","keys":["ctrl","shift","frobnicate"],"chord":true}"""))
            .ShouldBeRejectedAsync("keys[2]");

        messages.ShouldContain("frobnicate");
        host.Recorder.Events.Count.ShouldBe(before);
    }

    [Fact]
    public async Task Every_problem_of_one_body_is_reported_at_once()
    {
        var response = await _client.PostActionAsync("""{"action":"click_mouse","button":"up","clickCount":"2","extra":true}""");

        await response.ShouldBeRejectedAsync("button");
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        body.ShouldContain("\"clickCount\"");
        body.ShouldContain("\"extra\"");
    }

    [Fact]
    public async Task A_failing_driver_answers_500_problem_json_without_internals_and_releases_held_keys()
    {
        var recorder = host.Recorder!;
        recorder.FailOn = "button Left down";
        try
        {
            var before = recorder.Events.Count;
            var response = await _client.PostActionAsync("""{"action":"click_mouse","button":"left","clickCount":1,"holdKeys":["ctrl"]}""");

            response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            body.ShouldNotContain("injected failure");
            body.ShouldNotContain(" at ");
            recorder.Events.Skip(before).ShouldBe(["keys ctrl down", "keys ctrl up"]);
        }
        finally
        {
            recorder.FailOn = null;
        }
    }

    [Fact]
    public async Task A_body_larger_than_the_limit_is_refused_with_413_problem_json()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/computer-use") { Content = new StringContent(new string(' ', 10), Encoding.UTF8, "application/json") };
        request.Content.Headers.ContentLength = 71L * 1024 * 1024;

        var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
    }
}
