using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.WebSockets;
using Bytebot.Desktop.Contracts;
using Bytebot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Streaming;

/// <summary>noVNC's path: an authenticated WebSocket on /websockify speaking RFB to the real x11vnc of the host's desktop.</summary>
[Collection("host")]
public sealed class WebsockifyTests(HostFixture host)
{
    private async Task<WebSocket> ConnectAsync(string? token, string? origin)
    {
        var client = host.Factory.Server.CreateWebSocketClient();
        client.SubProtocols.Add("binary");
        client.ConfigureRequest = request =>
        {
            if (token is not null)
                request.Headers.Authorization = "Bearer " + token;
            if (origin is not null)
                request.Headers.Origin = origin;
        };
        return await client.ConnectAsync(new Uri(host.Factory.Server.BaseAddress, "/websockify"), TestContext.Current.CancellationToken);
    }

    private static async Task<byte[]> ReceiveExactlyAsync(WebSocket socket, int count)
    {
        var data = new byte[count];
        var read = 0;
        while (read < count)
        {
            var result = await socket.ReceiveAsync(data.AsMemory(read), TestContext.Current.CancellationToken);
            result.MessageType.ShouldNotBe(WebSocketMessageType.Close);
            read += result.Count;
        }
        return data;
    }

    private static Task SendAsync(WebSocket socket, params byte[] data) =>
        socket.SendAsync(data, WebSocketMessageType.Binary, endOfMessage: true, TestContext.Current.CancellationToken);

    /// <summary>RFB 3.8 with security None; returns the ServerInit framebuffer size.</summary>
    private static async Task<(int Width, int Height)> HandshakeAsync(WebSocket socket)
    {
        (await ReceiveExactlyAsync(socket, 12)).ShouldBe("RFB 003.008\n"u8.ToArray());
        await SendAsync(socket, [.. "RFB 003.008\n"u8]);
        var count = (await ReceiveExactlyAsync(socket, 1))[0];
        (await ReceiveExactlyAsync(socket, count)).ShouldContain((byte)1);
        await SendAsync(socket, 1);
        BinaryPrimitives.ReadUInt32BigEndian(await ReceiveExactlyAsync(socket, 4)).ShouldBe(0u);
        await SendAsync(socket, 1);
        var init = await ReceiveExactlyAsync(socket, 24);
        var nameLength = BinaryPrimitives.ReadInt32BigEndian(init.AsSpan(20));
        await ReceiveExactlyAsync(socket, nameLength);
        return (BinaryPrimitives.ReadUInt16BigEndian(init), BinaryPrimitives.ReadUInt16BigEndian(init.AsSpan(2)));
    }

    private static byte[] PointerEvent(int x, int y) => [5, 0, (byte)(x >> 8), (byte)x, (byte)(y >> 8), (byte)y];

    private async Task<(int X, int Y)> PointerPositionAsync()
    {
        var display = host.Factory.Services.GetRequiredService<IDesktopEnvironment>().Display;
        var info = new ProcessStartInfo("xdotool", ["getmouselocation", "--shell"]) { RedirectStandardOutput = true };
        info.Environment["DISPLAY"] = display;
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=')).ToDictionary(p => p[0], p => p[1]);
        return (int.Parse(values["X"], System.Globalization.CultureInfo.InvariantCulture), int.Parse(values["Y"], System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<bool> PointerReachesAsync(int x, int y, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (await PointerPositionAsync() == (x, y))
                return true;
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        return false;
    }

    [Fact]
    public async Task A_signed_in_viewer_gets_the_desktops_framebuffer_over_RFB()
    {
        using var socket = await ConnectAsync(host.Factory.Token, origin: null);

        var (width, height) = await HandshakeAsync(socket);

        (width, height).ShouldBe((1280, 960));
    }

    [Fact]
    public async Task A_viewer_cannot_move_the_pointer_while_the_agent_has_control_and_can_once_the_user_has_it()
    {
        var control = host.Factory.Services.GetRequiredService<IDesktopControl>();
        using var socket = await ConnectAsync(host.Factory.Token, origin: null);
        await HandshakeAsync(socket);
        try
        {
            control.Assign(ControlOwner.Agent);
            var before = await PointerPositionAsync();
            var blocked = before == (321, 123) ? (322, 124) : (321, 123);
            await SendAsync(socket, PointerEvent(blocked.Item1, blocked.Item2));

            (await PointerReachesAsync(blocked.Item1, blocked.Item2, TimeSpan.FromSeconds(1))).ShouldBeFalse();

            control.Assign(ControlOwner.User);
            await SendAsync(socket, PointerEvent(400, 300));
            (await PointerReachesAsync(400, 300, TimeSpan.FromSeconds(20))).ShouldBeTrue();
        }
        finally
        {
            control.Assign(ControlOwner.User);
        }
    }

    [Fact]
    public async Task A_same_origin_browser_connection_is_accepted()
    {
        using var socket = await ConnectAsync(host.Factory.Token, host.Factory.Server.BaseAddress.GetLeftPart(UriPartial.Authority));

        (await HandshakeAsync(socket)).Width.ShouldBe(1280);
    }

    [Fact]
    public async Task A_connection_from_a_foreign_origin_is_refused()
    {
        var error = await Should.ThrowAsync<InvalidOperationException>(() => ConnectAsync(host.Factory.Token, "https://evil.example"));

        error.Message.ShouldContain("403");
    }

    [Fact]
    public async Task A_connection_without_a_session_or_token_is_refused()
    {
        var error = await Should.ThrowAsync<InvalidOperationException>(() => ConnectAsync(token: null, origin: null));

        error.Message.ShouldContain("401");
    }
}
