using System.Buffers;

namespace Bytebot.Desktop.Screen;

/// <summary>
/// Frames and encoder buffers (4–8 MB each) come from a pool of their own. <see cref="ArrayPool{T}.Shared"/> keeps them
/// per thread, and a frame rented on the X thread was returned on a pool thread: missed rents allocated on the large
/// object heap and brought gen-2 collections with them (ADR 0034).
/// </summary>
internal static class ScreenBuffers
{
    // 16 MB covers a 2048×2048 frame; larger ones are allocated and dropped.
    public static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(maxArrayLength: 16 * 1024 * 1024, maxArraysPerBucket: 4);
}
