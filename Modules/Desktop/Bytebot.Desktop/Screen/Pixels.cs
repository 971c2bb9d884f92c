using System.Runtime.Intrinsics;

namespace Bytebot.Desktop.Screen;

/// <summary>BGRX → packed 3-byte pixels, 4 pixels per shuffle (pshufb/tbl), dropping the undefined X byte.</summary>
internal static unsafe class Pixels
{
    private static readonly Vector128<byte> ToRgbOrder = Vector128.Create((byte)2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, 0x80, 0x80, 0x80, 0x80);
    private static readonly Vector128<byte> ToBgrOrder = Vector128.Create((byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0x80, 0x80, 0x80, 0x80);

    public static void BgrxToRgb(ReadOnlySpan<byte> bgrx, Span<byte> rgb) => Pack(bgrx, rgb, ToRgbOrder, swap: true);

    public static void BgrxToBgr(ReadOnlySpan<byte> bgrx, Span<byte> bgr) => Pack(bgrx, bgr, ToBgrOrder, swap: false);

    private static void Pack(ReadOnlySpan<byte> source, Span<byte> target, Vector128<byte> order, bool swap)
    {
        var count = target.Length / 3;
        ArgumentOutOfRangeException.ThrowIfLessThan(source.Length, count * 4, nameof(source));
        fixed (byte* s = source)
        fixed (byte* d = target)
        {
            var i = 0;
            if (Vector128.IsHardwareAccelerated)
            {
                // Each store writes 16 bytes of which 12 count, so stop while 4 spare bytes remain in the target.
                for (; i + 6 <= count; i += 4)
                    Vector128.ShuffleNative(Vector128.Load(s + i * 4), order).Store(d + i * 3);
            }
            for (; i < count; i++)
            {
                d[i * 3] = s[i * 4 + (swap ? 2 : 0)];
                d[i * 3 + 1] = s[i * 4 + 1];
                d[i * 3 + 2] = s[i * 4 + (swap ? 0 : 2)];
            }
        }
    }
}
