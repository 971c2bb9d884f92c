using System.Buffers;

namespace Bytebot.Desktop.Screen;

/// <summary>
/// Frames and encoder buffers (4–8 MB each) come from a pool of their own, shared by every thread:
/// <see cref="ArrayPool{T}.Shared"/> keeps arrays per thread, and a frame is rented on the X thread but returned on a
/// pool thread, so a rent there can miss and allocate on the large object heap (ADR 0034).
/// </summary>
internal static class ScreenBuffers
{
    // 16 MB covers a 2048×2048 frame; larger ones are allocated and dropped.
    public static readonly ArrayPool<byte> Pool =
        ArrayPool<byte>.Create(maxArrayLength: 16 * 1024 * 1024, maxArraysPerBucket: 4);
}
