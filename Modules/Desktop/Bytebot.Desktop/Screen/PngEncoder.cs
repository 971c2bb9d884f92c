using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Bytebot.Desktop.Screen;

/// <summary>
/// 8-bit RGB PNG from BGRX through .NET's zlib-ng at level 1 with filter None: on the managed desktop it beat
/// Sub/Up/Avg/Paeth, adaptive filters, RLE and levels 2–4 on time, and levels 2–4 shrink the file by 7–17% for
/// 1.6–3× the time (ADR 0005, 0034). RGB, so the undefined X byte can never become alpha.
/// </summary>
internal static unsafe class PngEncoder
{
    private const int HeaderBytes = 33;
    private const int ChunkOverhead = 12;

    // Rows go to zlib in batches: one call per 3.8 KB row cost more than the CRC.
    private const int BatchBytes = 64 * 1024;

    // Below this the second thread costs more than it saves.
    private const long SplitBytes = 256 * 1024;

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a];

    private static ReadOnlySpan<byte> End =>
        [0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xae, 0x42, 0x60, 0x82];

    public static byte[] Encode(ReadOnlySpan<byte> bgrx, int width, int height, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bgrx.Length, (height - 1) * stride + width * 4, nameof(bgrx));
        var rowBytes = 1 + width * 3;
        var raw = (long)rowBytes * height;
        var buffer = ScreenBuffers.Pool.Rent(checked((int)(HeaderBytes + ChunkOverhead + Bound(raw) + End.Length)));
        try
        {
            Signature.CopyTo(buffer);
            var header = buffer.AsSpan(Signature.Length, 25);
            BinaryPrimitives.WriteInt32BigEndian(header, 13);
            "IHDR"u8.CopyTo(header[4..]);
            BinaryPrimitives.WriteInt32BigEndian(header[8..], width);
            BinaryPrimitives.WriteInt32BigEndian(header[12..], height);
            header[16] = 8;
            header[17] = 2;
            header[18..21].Clear();
            BinaryPrimitives.WriteUInt32BigEndian(header[21..], Crc32.HashToUInt32(header[4..21]));
            "IDAT"u8.CopyTo(buffer.AsSpan(HeaderBytes + 4));

            const int data = HeaderBytes + 8;
            int length;
            fixed (byte* pixels = bgrx)
            {
                length = raw < SplitBytes || height < 16
                    ? Compress(pixels, width, stride, 0, height, buffer, data, last: true).Length
                    : CompressInHalves(pixels, width, stride, height, buffer, data);
            }
            BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(HeaderBytes), length);
            var crc = data + length;
            var chunk = buffer.AsSpan(HeaderBytes + 4, 4 + length);
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(crc), Crc32.HashToUInt32(chunk));
            End.CopyTo(buffer.AsSpan(crc + 4));
            return buffer.AsSpan(0, crc + 4 + End.Length).ToArray();
        }
        finally
        {
            ScreenBuffers.Pool.Return(buffer);
        }
    }

    // deflate never grows its input by more than an eighth (level 1's static codes are at most 9 bits a byte).
    private static long Bound(long raw) => raw + raw / 8 + 1024;

    /// <summary>
    /// Both cores at once, as pigz does: the top half's stream ends with a sync flush (byte-aligned, not final), the
    /// bottom half's own deflate data follows it, and the two Adler-32s combine into the stream's.
    /// </summary>
    private static int CompressInHalves(byte* pixels, int width, int stride, int height, byte[] buffer, int offset)
    {
        var middle = height / 2;
        var bottom = ScreenBuffers.Pool.Rent(checked((int)Bound((long)(1 + width * 3) * (height - middle))));
        try
        {
            (int Length, uint Adler) top = default, rest = default;
            Parallel.Invoke(
                () => top = Compress(pixels, width, stride, 0, middle, buffer, offset, last: false),
                () => rest = Compress(pixels, width, stride, middle, height, bottom, 0, last: true));
            var deflate = rest.Length - 6;
            bottom.AsSpan(2, deflate).CopyTo(buffer.AsSpan(offset + top.Length));
            var adler = CombineAdler(top.Adler, rest.Adler, (long)(1 + width * 3) * (height - middle));
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(offset + top.Length + deflate), adler);
            return top.Length + deflate + 4;
        }
        finally
        {
            ScreenBuffers.Pool.Return(bottom);
        }
    }

    /// <summary>
    /// Rows [from, to) as a zlib stream into target at offset. Not last: the length ends after the sync flush, before
    /// the final block and the Adler-32 (returned) that closing the stream wrote.
    /// </summary>
    private static (int Length, uint Adler) Compress(
        byte* pixels, int width, int stride, int from, int to, byte[] target, int offset, bool last)
    {
        var rowBytes = 1 + width * 3;
        var batch = ScreenBuffers.Pool.Rent(Math.Max(BatchBytes, rowBytes));
        try
        {
            using var output = new MemoryStream(target, offset, target.Length - offset);
            var flushed = 0;
            using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
            {
                var used = 0;
                for (var y = from; y < to; y++)
                {
                    if (used + rowBytes > batch.Length)
                    {
                        zlib.Write(batch, 0, used);
                        used = 0;
                    }
                    batch[used] = 0;
                    var row = new ReadOnlySpan<byte>(pixels + (long)y * stride, width * 4);
                    Pixels.BgrxToRgb(row, batch.AsSpan(used + 1, rowBytes - 1));
                    used += rowBytes;
                }
                zlib.Write(batch, 0, used);
                if (!last)
                {
                    zlib.Flush();
                    flushed = (int)output.Position;
                }
            }
            var end = (int)output.Position;
            return (last ? end : flushed, BinaryPrimitives.ReadUInt32BigEndian(target.AsSpan(offset + end - 4)));
        }
        finally
        {
            ScreenBuffers.Pool.Return(batch);
        }
    }

    /// <summary>zlib's adler32_combine: the Adler-32 of A followed by B from theirs and B's length.</summary>
    internal static uint CombineAdler(uint first, uint second, long secondLength)
    {
        const long Base = 65521;
        var remainder = secondLength % Base;
        long sum1 = first & 0xffff;
        var sum2 = remainder * sum1 % Base;
        sum1 += (second & 0xffff) + Base - 1;
        sum2 += (first >> 16) + (second >> 16) + Base - remainder;
        if (sum1 >= Base)
            sum1 -= Base;
        if (sum1 >= Base)
            sum1 -= Base;
        if (sum2 >= Base << 1)
            sum2 -= Base << 1;
        if (sum2 >= Base)
            sum2 -= Base;
        return (uint)(sum1 | (sum2 << 16));
    }
}
