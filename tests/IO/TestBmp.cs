using System.Buffers.Binary;

namespace SwinBench.Tests.IO;

/// <summary>
/// Uncompressed BMP files written by the tests themselves (a 14-byte file header and a 40-byte BITMAPINFOHEADER),
/// bottom-up (positive height) or top-down (negative height), 24-bit BGR or 8-bit with a gray palette.
/// </summary>
internal static class TestBmp
{
    /// <summary>A BMP of interleaved samples (rows top to bottom; 3 channels RGB or 1 channel gray).</summary>
    public static byte[] Encode(byte[] interleaved, int channels, int height, int width, bool topDown)
    {
        int bitsPerPixel = channels == 3 ? 24 : 8;
        int paletteBytes = channels == 3 ? 0 : 256 * 4;
        int rowBytes = (bitsPerPixel * width + 31) / 32 * 4;
        int dataOffset = 14 + 40 + paletteBytes;
        var file = new byte[dataOffset + rowBytes * height];
        Span<byte> s = file;
        s[0] = (byte)'B';
        s[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(s[2..], file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(s[10..], dataOffset);
        BinaryPrimitives.WriteInt32LittleEndian(s[14..], 40);
        BinaryPrimitives.WriteInt32LittleEndian(s[18..], width);
        BinaryPrimitives.WriteInt32LittleEndian(s[22..], topDown ? -height : height);
        BinaryPrimitives.WriteInt16LittleEndian(s[26..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(s[28..], (short)bitsPerPixel);
        BinaryPrimitives.WriteInt32LittleEndian(s[34..], rowBytes * height);
        BinaryPrimitives.WriteInt32LittleEndian(s[38..], 2835);
        BinaryPrimitives.WriteInt32LittleEndian(s[42..], 2835);
        for (int i = 0; i < paletteBytes / 4; i++)
        {
            file[54 + 4 * i] = (byte)i;
            file[54 + 4 * i + 1] = (byte)i;
            file[54 + 4 * i + 2] = (byte)i;
        }
        for (int y = 0; y < height; y++)
        {
            int stored = topDown ? y : height - 1 - y;
            int row = dataOffset + stored * rowBytes;
            for (int x = 0; x < width; x++)
            {
                if (channels == 1)
                {
                    file[row + x] = interleaved[y * width + x];
                    continue;
                }
                int src = (y * width + x) * 3;
                file[row + 3 * x] = interleaved[src + 2];
                file[row + 3 * x + 1] = interleaved[src + 1];
                file[row + 3 * x + 2] = interleaved[src];
            }
        }
        return file;
    }
}
