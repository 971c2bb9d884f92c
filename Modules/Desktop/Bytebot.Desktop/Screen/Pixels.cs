using System.Runtime.Intrinsics;

namespace Bytebot.Desktop.Screen;

/// <summary>BGRX → packed RGB, 4 pixels per shuffle (pshufb/tbl), dropping the undefined X byte.</summary>
internal static unsafe class Pixels
{
    private static readonly Vector128<byte> ToRgbOrder = Vector128.Create((byte)2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, 0x80, 0x80, 0x80, 0x80);

    public static void BgrxToRgb(ReadOnlySpan<byte> bgrx, Span<byte> rgb)
    {
        var count = rgb.Length / 3;
        ArgumentOutOfRangeException.ThrowIfLessThan(bgrx.Length, count * 4, nameof(bgrx));
        fixed (byte* s = bgrx)
        fixed (byte* d = rgb)
        {
            var i = 0;
            if (Vector128.IsHardwareAccelerated)
            {
                // Each store writes 16 bytes of which 12 count, so stop while 4 spare bytes remain in the target.
                for (; i + 6 <= count; i += 4)
                    Vector128.ShuffleNative(Vector128.Load(s + i * 4), ToRgbOrder).Store(d + i * 3);
            }
            for (; i < count; i++)
            {
                d[i * 3] = s[i * 4 + 2];
                d[i * 3 + 1] = s[i * 4 + 1];
                d[i * 3 + 2] = s[i * 4];
            }
        }
    }
}
