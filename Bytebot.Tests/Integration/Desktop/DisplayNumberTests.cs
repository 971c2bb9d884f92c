using System.Net.Sockets;
using Bytebot.Desktop.VirtualDisplay;

namespace Bytebot.Tests.Integration.Desktop;

public sealed class DisplayNumberTests
{
    [Fact]
    public void A_display_served_only_on_an_abstract_socket_is_not_picked()
    {
        // What an Xvfb in a container on the host's network looks like from here: no lock file, no socket file in
        // this /tmp, only its abstract socket in the shared network namespace.
        var number = DisplayAddress.FirstFree(from: 700);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint("\0" + DisplayAddress.SocketPath(number)));
        listener.Listen();

        File.Exists($"/tmp/.X{number}-lock").ShouldBeFalse();
        DisplayAddress.FirstFree(from: number).ShouldBeGreaterThan(number);
    }
}
