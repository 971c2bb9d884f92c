using System.Buffers;
using Bytebot.Streaming.Vnc;

namespace Bytebot.Tests.Unit.Streaming;

public sealed class RfbClientFilterTests
{
    private static readonly byte[] Handshake = [.. "RFB 003.008\n"u8, 1, 1];
    private static readonly byte[] SetEncodings = [2, 0, 0, 2, 0, 0, 0, 7, 0xff, 0xff, 0xff, 0x21];
    private static readonly byte[] UpdateRequest = [3, 1, 0, 0, 0, 0, 5, 0, 3, 0xc0];
    private static readonly byte[] Pointer = [5, 1, 0, 100, 0, 50];
    private static readonly byte[] Key = [4, 1, 0, 0, 0, 0, 0, 0x61];
    private static readonly byte[] CutText = [6, 0, 0, 0, 0, 0, 0, 2, (byte)'h', (byte)'i'];

    private static byte[] Session(params byte[][] messages) => [.. Handshake, .. messages.SelectMany(m => m)];

    private static byte[] Run(byte[] stream, bool allowInput, IEnumerable<int>? cuts = null)
    {
        var filter = new RfbClientFilter();
        var output = new ArrayBufferWriter<byte>();
        var start = 0;
        foreach (var cut in (cuts ?? []).Append(stream.Length))
        {
            filter.Process(stream.AsSpan(start, cut - start), output, allowInput);
            start = cut;
        }
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void With_control_every_message_passes_unchanged()
    {
        var stream = Session(SetEncodings, UpdateRequest, Pointer, Key, CutText);

        Run(stream, allowInput: true).ShouldBe(stream);
    }

    [Fact]
    public void Without_control_keys_pointer_and_clipboard_are_dropped_and_the_rest_passes()
    {
        var stream = Session(SetEncodings, Pointer, UpdateRequest, Key, CutText, UpdateRequest);

        Run(stream, allowInput: false).ShouldBe(Session(SetEncodings, UpdateRequest, UpdateRequest));
    }

    [Fact]
    public void The_handshake_is_never_mistaken_for_input()
    {
        // 'RFB 003.008\n' then security type 1 and ClientInit 1: none of these bytes is a client message type.
        Run(Handshake, allowInput: false).ShouldBe(Handshake);
    }

    [Fact]
    public void Any_fragmentation_of_the_stream_gives_the_same_output()
    {
        var stream = Session(SetEncodings, Pointer, UpdateRequest, Key, CutText, Pointer, UpdateRequest);
        var expected = Run(stream, allowInput: false);
        var random = new Random(20261122);

        for (var round = 0; round < 500; round++)
        {
            var cuts = Enumerable.Range(0, random.Next(1, 12)).Select(_ => random.Next(0, stream.Length + 1)).Order().ToList();
            Run(stream, allowInput: false, cuts).ShouldBe(expected, $"cuts {string.Join(',', cuts)}");
        }
    }

    [Fact]
    public void An_unknown_message_type_ends_the_session_instead_of_passing_unparsed_bytes()
    {
        Should.Throw<RfbProtocolException>(() => Run(Session([77, 1, 2, 3]), allowInput: false));
    }

    [Fact]
    public void A_security_type_other_than_none_is_refused()
    {
        Should.Throw<RfbProtocolException>(() => Run([.. "RFB 003.008\n"u8, 2], allowInput: true));
    }

    [Fact]
    public void A_client_that_does_not_speak_RFB_is_refused()
    {
        Should.Throw<RfbProtocolException>(() => Run([.. "GET / HTTP/1.1\r\n"u8], allowInput: true));
    }
}
