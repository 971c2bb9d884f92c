using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Bytebot.Tests.Integration.Desktop.Native;

/// <summary>
/// A just-enough PNG reader for our own output: 8-bit RGB, filter type None on every row; every chunk's CRC and the
/// zlib stream's Adler-32 are checked, as libpng checks them.
/// </summary>
internal sealed record PngImage(int Width, int Height, byte ColorType, byte[] Rgb)
{
    public static PngImage Decode(byte[] png)
    {
        png.AsSpan(0, 8).ToArray().ShouldBe(new byte[] { 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a });
        int width = 0, height = 0;
        byte colorType = 0;
        using var idat = new MemoryStream();
        for (var offset = 8; offset < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length);
            BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length)).ShouldBe(
                Crc32.HashToUInt32(png.AsSpan(offset + 4, 4 + length)), $"the CRC of the {type} chunk");
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                data[8].ShouldBe((byte)8);
                colorType = data[9];
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }
            offset += 12 + length;
        }
        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        var rows = raw.ToArray();
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            rows[y * (width * 3 + 1)].ShouldBe((byte)0, "filter type of row " + y);
            rows.AsSpan(y * (width * 3 + 1) + 1, width * 3).CopyTo(rgb.AsSpan(y * width * 3));
        }
        return new PngImage(width, height, colorType, rgb);
    }
}
