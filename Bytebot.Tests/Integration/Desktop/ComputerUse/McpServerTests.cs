using System.Net;
using System.Text.Json;
using Bytebot.Agent.Plugins;
using Bytebot.Tests.Integration.Agent;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Bytebot.Tests.Integration.Desktop.ComputerUse;

/// <summary>/mcp through the official C# SDK client, over the host's own HTTP pipeline (authentication included).</summary>
[Collection(RecordingHostGroup.Name)]
public sealed class McpServerTests(RecordingComputerUseHost host)
{
    private static readonly string[] BytebotTools =
    [
        "computer_move_mouse", "computer_trace_mouse", "computer_click_mouse", "computer_press_mouse", "computer_drag_mouse",
        "computer_scroll", "computer_type_keys", "computer_press_keys", "computer_type_text", "computer_paste_text",
        "computer_wait", "computer_application", "computer_screenshot", "computer_cursor_position", "computer_write_file",
        "computer_read_file",
    ];

    private static readonly string[] OurTools =
    [
        "computer_zoom", "computer_read_screen", "computer_find_text", "computer_click_text",
        "computer_accessibility_tree", "computer_click_element", "computer_focus_element", "computer_set_value",
    ];

    private static readonly string[] UnknownSecondKey = ["ctrl", "nope"];

    private static async Task<McpClient> ConnectAsync(HttpClient http)
    {
        var transport = new HttpClientTransport(
            new HttpClientTransportOptions { Endpoint = new Uri(http.BaseAddress!, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp },
            http, ownsHttpClient: false);
        return await McpClient.CreateAsync(transport, cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_sdk_client_lists_Bytebots_sixteen_computer_tools_and_ours_exactly_as_the_plugin_declares_them()
    {
        using var http = host.CreateClient();
        await using var client = await ConnectAsync(http);

        var tools = await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);

        tools.Select(t => t.Name).Order(StringComparer.Ordinal).ShouldBe(BytebotTools.Concat(OurTools).Order(StringComparer.Ordinal));
        OneToolSurfaceTests.PluginsMatch([ToolKernel.Computer], [.. tools.Select(t => (t.Name, t.Description!, t.JsonSchema))]);
    }

    [Fact]
    public async Task Cursor_position_answers_the_pointer_as_json_text()
    {
        using var http = host.CreateClient();
        await using var client = await ConnectAsync(http);
        await client.CallToolAsync("computer_move_mouse", new Dictionary<string, object?> { ["coordinates"] = new { x = 12, y = 34 } },
            cancellationToken: TestContext.Current.CancellationToken);

        var result = await client.CallToolAsync("computer_cursor_position", cancellationToken: TestContext.Current.CancellationToken);

        result.IsError.ShouldNotBe(true);
        var point = JsonDocument.Parse(result.Content.OfType<TextContentBlock>().Single().Text).RootElement;
        (point.GetProperty("x").GetInt32(), point.GetProperty("y").GetInt32()).ShouldBe((12, 34));
    }

    [Fact]
    public async Task A_screenshot_comes_back_as_image_content_under_one_megabyte()
    {
        using var http = host.CreateClient();
        await using var client = await ConnectAsync(http);

        var result = await client.CallToolAsync("computer_screenshot", cancellationToken: TestContext.Current.CancellationToken);

        var image = result.Content.OfType<ImageContentBlock>().Single();
        image.MimeType.ShouldBe("image/png");
        image.DecodedData.Length.ShouldBeInRange(1, 1024 * 1024);
    }

    [Fact]
    public async Task A_png_over_one_megabyte_is_replaced_by_a_jpeg_for_mcp_clients()
    {
        using var http = host.CreateClient();
        await using var client = await ConnectAsync(http);
        host.Recorder!.PngBytes = 2 * 1024 * 1024;
        try
        {
            var result = await client.CallToolAsync("computer_screenshot", cancellationToken: TestContext.Current.CancellationToken);

            var image = result.Content.OfType<ImageContentBlock>().Single();
            image.MimeType.ShouldBe("image/jpeg");
            image.DecodedData.Length.ShouldBeLessThanOrEqualTo(1024 * 1024);
        }
        finally
        {
            host.Recorder.PngBytes = 24;
        }
    }

    [Fact]
    public async Task An_invalid_call_is_a_tool_error_naming_the_field_and_presses_nothing()
    {
        using var http = host.CreateClient();
        await using var client = await ConnectAsync(http);
        var before = host.Recorder!.Events.Count;

        var result = await client.CallToolAsync("computer_type_keys", new Dictionary<string, object?> { ["keys"] = UnknownSecondKey },
            cancellationToken: TestContext.Current.CancellationToken);

        result.IsError.ShouldBe(true);
        result.Content.OfType<TextContentBlock>().Single().Text.ShouldContain("keys[1]");
        host.Recorder.Events.Count.ShouldBe(before);
    }

    [Fact]
    public async Task The_sdk_client_without_a_token_cannot_connect()
    {
        using var http = host.CreateClient(authenticated: false);

        var failure = await Should.ThrowAsync<HttpRequestException>(() => ConnectAsync(http));

        failure.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Without_a_token_mcp_answers_401()
    {
        using var http = host.CreateClient(authenticated: false);

        var response = await http.PostAsync(new Uri("/mcp", UriKind.Relative),
            new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
