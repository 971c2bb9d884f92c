using System.Text;
using System.Text.Json;

namespace Bytebot.Tests.Integration.Desktop.ComputerUse;

/// <summary>
/// bytebot-api.md §1.3–1.9: every action's status, content type and body. Runs twice: with the recording driver (today)
/// and on a real Xvfb with the native driver (<see cref="ComputerUseContractOnXvfbTests"/>).
/// </summary>
public abstract class ComputerUseContractTests(ComputerUseHost host)
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G'];

    protected HttpClient Client { get; } = host.CreateClient();

    public static TheoryData<string> ActionsWithoutResult() => new(
        """{"action":"move_mouse","coordinates":{"x":100,"y":120}}""",
        """{"action":"trace_mouse","path":[{"x":10,"y":10},{"x":20,"y":25},{"x":30,"y":40}],"holdKeys":[]}""",
        """{"action":"click_mouse","button":"left","clickCount":1,"coordinates":{"x":5,"y":5}}""",
        """{"action":"click_mouse","button":"right","clickCount":2}""",
        """{"action":"press_mouse","button":"middle","press":"down"}""",
        """{"action":"press_mouse","button":"middle","press":"up","coordinates":{"x":7,"y":9}}""",
        """{"action":"drag_mouse","path":[{"x":50,"y":50},{"x":80,"y":90}],"button":"left"}""",
        """{"action":"scroll","direction":"down","scrollCount":3,"coordinates":{"x":640,"y":480}}""",
        """{"action":"scroll","direction":"left","scrollCount":1}""",
        """{"action":"type_keys","keys":["Escape"]}""",
        """{"action":"type_keys","keys":["shift","a"],"chord":true,"delay":10}""",
        """{"action":"press_keys","keys":["shift"],"press":"down"}""",
        """{"action":"press_keys","keys":["shift"],"press":"up"}""",
        """{"action":"type_text","text":"hello","delay":0}""",
        """{"action":"type_text","text":"secret","sensitive":true}""",
        """{"action":"paste_text","text":"pasted"}""",
        """{"action":"wait","duration":1}""");

    [Theory]
    [MemberData(nameof(ActionsWithoutResult))]
    public async Task An_action_without_a_result_answers_201_with_an_empty_body(string body) =>
        await (await Client.PostActionAsync(body)).ShouldBeEmptyCreatedAsync();

    [Fact]
    public async Task A_plain_screenshot_is_a_full_resolution_png_in_base64_with_its_size_and_format()
    {
        var result = await (await Client.PostActionAsync("""{"action":"screenshot"}""")).ShouldBeJsonCreatedAsync();

        Convert.FromBase64String(result.GetProperty("image").GetString()!)[..4].ShouldBe(PngSignature);
        result.GetProperty("width").GetInt32().ShouldBe(1280);
        result.GetProperty("height").GetInt32().ShouldBe(960);
        result.GetProperty("format").GetString().ShouldBe("png");
    }

    [Fact]
    public async Task A_screenshot_body_has_its_exact_length_and_unescaped_base64()
    {
        using var response = await Client.PostActionAsync("""{"action":"screenshot","format":"jpeg"}""");
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        response.Content.Headers.ContentLength.ShouldBe(body.Length);
        Encoding.UTF8.GetString(body).ShouldNotContain("\\u002B");
        var image = JsonDocument.Parse(body).RootElement.GetProperty("image").GetString()!;
        Convert.FromBase64String(image)[..2].ShouldBe(new byte[] { 0xFF, 0xD8 });
    }

    [Fact]
    public async Task A_jpeg_screenshot_fitted_to_a_maximum_width_reports_the_scaled_size()
    {
        var result = await (await Client.PostActionAsync("""{"action":"screenshot","format":"jpeg","quality":70,"maxWidth":640}""")).ShouldBeJsonCreatedAsync();

        Convert.FromBase64String(result.GetProperty("image").GetString()!)[..2].ShouldBe(new byte[] { 0xFF, 0xD8 });
        result.GetProperty("format").GetString().ShouldBe("jpeg");
        result.GetProperty("width").GetInt32().ShouldBe(640);
        result.GetProperty("height").GetInt32().ShouldBe(480);
    }

    [Fact]
    public async Task A_region_screenshot_has_the_size_of_the_region()
    {
        var result = await (await Client.PostActionAsync(
            """{"action":"screenshot","region":{"x":100,"y":50,"width":300,"height":200}}""")).ShouldBeJsonCreatedAsync();

        result.GetProperty("width").GetInt32().ShouldBe(300);
        result.GetProperty("height").GetInt32().ShouldBe(200);
    }

    [Fact]
    public async Task Cursor_position_answers_x_and_y_where_the_mouse_was_moved()
    {
        await (await Client.PostActionAsync("""{"action":"move_mouse","coordinates":{"x":321,"y":234}}""")).ShouldBeEmptyCreatedAsync();

        var result = await (await Client.PostActionAsync("""{"action":"cursor_position"}""")).ShouldBeJsonCreatedAsync();

        result.EnumerateObject().Select(p => p.Name).ShouldBe(["x", "y"]);
        result.GetProperty("x").GetInt32().ShouldBe(321);
        result.GetProperty("y").GetInt32().ShouldBe(234);
    }

    [Fact]
    public async Task A_written_file_reads_back_with_its_name_size_and_media_type()
    {
        var content = Encoding.UTF8.GetBytes("héllo wörld\n");
        var written = await (await Client.PostActionAsync(new { action = "write_file", path = "notes/contract.txt", data = Convert.ToBase64String(content) }))
            .ShouldBeJsonCreatedAsync();
        written.GetProperty("success").GetBoolean().ShouldBeTrue(written.ToString());
        written.GetProperty("message").GetString().ShouldNotBeNullOrEmpty();

        var read = await (await Client.PostActionAsync("""{"action":"read_file","path":"notes/contract.txt"}""")).ShouldBeJsonCreatedAsync();

        read.GetProperty("success").GetBoolean().ShouldBeTrue(read.ToString());
        Convert.FromBase64String(read.GetProperty("data").GetString()!).ShouldBe(content);
        read.GetProperty("name").GetString().ShouldBe("contract.txt");
        read.GetProperty("size").GetInt64().ShouldBe(content.Length);
        read.GetProperty("mediaType").GetString().ShouldBe("text/plain");
    }

    [Fact]
    public async Task Reading_a_missing_file_answers_201_with_success_false_and_a_message_as_Bytebot_does()
    {
        var read = await (await Client.PostActionAsync("""{"action":"read_file","path":"does-not-exist.pdf"}""")).ShouldBeJsonCreatedAsync();

        read.GetProperty("success").GetBoolean().ShouldBeFalse();
        read.GetProperty("message").GetString().ShouldNotBeNullOrEmpty();
        read.TryGetProperty("data", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Showing_the_desktop_answers_201_with_an_empty_body() =>
        await (await Client.PostActionAsync("""{"action":"application","application":"desktop"}""")).ShouldBeEmptyCreatedAsync();

    [Fact]
    public async Task An_application_Bytebot_knows_but_this_desktop_lacks_is_refused_as_not_installed()
    {
        var messages = await (await Client.PostActionAsync("""{"action":"application","application":"1password"}""")).ShouldBeRejectedAsync("application");

        messages.ShouldContain("not installed");
    }

    [Fact]
    public async Task Numbers_written_as_whole_floats_are_accepted_like_Bytebot_clients_send_them() =>
        await (await Client.PostActionAsync("""{"action":"move_mouse","coordinates":{"x":10.0,"y":20}}""")).ShouldBeEmptyCreatedAsync();

    protected static string Json(object value) => JsonSerializer.Serialize(value);
}

[Collection(RecordingHostGroup.Name)]
public sealed class ComputerUseContractWithRecordingDriverTests(RecordingComputerUseHost host) : ComputerUseContractTests(host)
{
    private static readonly string[] CtrlA = ["ctrl", "a"];

    [Fact]
    public async Task A_double_click_is_two_press_release_pairs_with_the_held_keys_around_them()
    {
        var before = host.Recorder!.Events.Count;

        await (await Client.PostActionAsync("""{"action":"click_mouse","button":"left","clickCount":2,"coordinates":{"x":3,"y":4},"holdKeys":["shift"]}"""))
            .ShouldBeEmptyCreatedAsync();

        host.Recorder.Events.Skip(before).ShouldBe([
            "move 3,4", "keys shift down", "button Left down", "button Left up", "button Left down", "button Left up", "keys shift up",
        ]);
    }

    [Fact]
    public async Task Concurrent_requests_run_whole_actions_one_after_the_other()
    {
        var before = host.Recorder!.Events.Count;
        var bodies = Enumerable.Range(0, 20).Select(i => Json(new { action = "type_keys", keys = CtrlA, chord = true }));

        await Task.WhenAll(bodies.Select(async body => await (await Client.PostActionAsync(body)).ShouldBeEmptyCreatedAsync()));

        var events = host.Recorder.Events.Skip(before).ToList();
        events.Count.ShouldBe(40);
        events.Chunk(2).ShouldAllBe(pair => pair[0] == "keys ctrl,a down" && pair[1] == "keys a,ctrl up");
    }
}

[Trait("needs", "x11-driver")]
[Collection(OneDesktopAtATime.Name)]
public sealed class ComputerUseContractOnXvfbTests(XvfbComputerUseHost host) : ComputerUseContractTests(host), IClassFixture<XvfbComputerUseHost>;
