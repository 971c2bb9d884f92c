using System.Buffers;
using System.Buffers.Binary;

namespace Bytebot.Streaming.Vnc;

/// <summary>
/// Follows the browser → VNC server half of an RFB 3.8 session (handshake, then client messages) so that input
/// (keys, pointer, clipboard) can be dropped while the viewer may only watch. Messages may arrive split across or
/// packed into WebSocket frames, so it buffers until a message is whole. Anything it cannot parse closes the session:
/// forwarding bytes it does not understand would let input through.
/// </summary>
internal sealed class RfbClientFilter
{
    private const int ProtocolVersionLength = 12;
    private const byte SecurityNone = 1;

    private enum Phase
    {
        ProtocolVersion,
        SecurityType,
        ClientInit,
        Messages,
    }

    private readonly ArrayBufferWriter<byte> _pending = new();
    private Phase _phase = Phase.ProtocolVersion;

    /// <summary>How many input messages were dropped (for tests and the audit log).</summary>
    public int DroppedInputMessages { get; private set; }

    /// <summary>Appends the whole messages in <paramref name="input"/> that may pass to <paramref name="output"/>.</summary>
    /// <exception cref="RfbProtocolException">The stream is not RFB this filter can follow.</exception>
    public void Process(ReadOnlySpan<byte> input, IBufferWriter<byte> output, bool allowInput)
    {
        ArgumentNullException.ThrowIfNull(output);
        _pending.Write(input);
        var buffer = _pending.WrittenSpan;
        var consumed = 0;
        while (consumed < buffer.Length && NextLength(buffer[consumed..]) is { } length && consumed + length <= buffer.Length)
        {
            var message = buffer.Slice(consumed, length);
            if (allowInput || !IsInput(message))
                output.Write(message);
            else
                DroppedInputMessages++;
            consumed += length;
            Advance(message);
        }

        var rest = buffer[consumed..].ToArray();
        _pending.Clear();
        _pending.Write(rest);
    }

    private bool IsInput(ReadOnlySpan<byte> message) => _phase == Phase.Messages && message[0] switch
    {
        4 or 5 or 6 => true, // KeyEvent, PointerEvent, ClientCutText
        250 or 251 or 255 => true, // XVP (reboot/shutdown), SetDesktopSize, QEMU extended key event
        _ => false,
    };

    private void Advance(ReadOnlySpan<byte> message)
    {
        switch (_phase)
        {
            case Phase.ProtocolVersion:
                if (!message.StartsWith("RFB 003."u8))
                    throw new RfbProtocolException("The client did not send an RFB protocol version.");
                _phase = Phase.SecurityType;
                break;
            case Phase.SecurityType:
                // The VNC server is loopback-only and passwordless; the WebSocket itself is authenticated. Any other
                // type would be followed by bytes this filter does not model.
                if (message[0] != SecurityNone)
                    throw new RfbProtocolException($"Security type {message[0]} is not supported by the bridge.");
                _phase = Phase.ClientInit;
                break;
            case Phase.ClientInit:
                _phase = Phase.Messages;
                break;
        }
    }

    /// <summary>The length of the message at the start of <paramref name="data"/>, or null until enough bytes are here to know it.</summary>
    private int? NextLength(ReadOnlySpan<byte> data) => _phase switch
    {
        Phase.ProtocolVersion => ProtocolVersionLength,
        Phase.SecurityType or Phase.ClientInit => 1,
        _ => MessageLength(data),
    };

    private static int? MessageLength(ReadOnlySpan<byte> data) => data[0] switch
    {
        0 => 20, // SetPixelFormat
        2 => data.Length < 4 ? null : 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(data[2..])), // SetEncodings
        3 => 10, // FramebufferUpdateRequest
        4 => 8, // KeyEvent
        5 => 6, // PointerEvent
        6 => data.Length < 8 ? null : ClientCutTextLength(data), // ClientCutText
        150 => 10, // EnableContinuousUpdates
        248 => data.Length < 9 ? null : 9 + data[8], // ClientFence
        250 => 4, // XVP
        251 => data.Length < 8 ? null : 8 + (16 * data[6]), // SetDesktopSize
        255 => 12, // QEMU extended key event
        var type => throw new RfbProtocolException($"Unknown RFB client message type {type}."),
    };

    private static int ClientCutTextLength(ReadOnlySpan<byte> data)
    {
        // A negative length is the extended-clipboard form: its absolute value is the payload size.
        var length = Math.Abs((long)BinaryPrimitives.ReadInt32BigEndian(data[4..]));
        const int MaxClipboard = 10 * 1024 * 1024;
        if (length > MaxClipboard)
            throw new RfbProtocolException($"Clipboard text of {length} bytes exceeds the bridge's limit.");
        return 8 + (int)length;
    }
}

internal sealed class RfbProtocolException(string message) : Exception(message);
