using System.Buffers.Binary;
using SwinBench.Datasets;
using SwinBench.IO;

namespace SwinBench.Tests.IO;

/// <summary>
/// Headers that claim more than their file holds (found by <see cref="InputFilePropertyTests"/>): each is a one-line
/// <see cref="InputFileException"/> naming the field, raised before anything of the claimed size is allocated.
/// </summary>
public sealed class DamagedHeaderTests
{
    private static byte[] Written(string extension, ImageData image, ImageWriteOptions? options = null)
    {
        using var dir = new TempDir();
        string path = dir.File("valid" + extension);
        ImageIO.Write(path, image, options);
        return File.ReadAllBytes(path);
    }

    private static InputFileException ReadFails(string extension, byte[] bytes, string problem)
    {
        using var dir = new TempDir();
        string path = dir.File("damaged" + extension);
        File.WriteAllBytes(path, bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InputFileException>(() => ImageIO.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(path, e.FilePath);
        Assert.True(e.Message.Contains(problem, StringComparison.Ordinal), $"expected '{problem}' in: {e.Message}");
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(allocated < 16 << 20, $"rejecting a {bytes.Length}-byte file allocated {allocated} bytes");
        return e;
    }

    private static ImageData Image(int channels) => SyntheticImage.Generate(channels, 9, 11, seed: 4);

    [Fact]
    public void PngChunkLongerThanTheFile_IsNamed()
    {
        byte[] png = Written(".png", Image(3));
        int idat = png.AsSpan().IndexOf("IDAT"u8) - 4;
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(idat), 0x3FFFFFFF);
        ReadFails(".png", png, $"chunk 'IDAT' at offset {idat} claims {0x3FFFFFFF} bytes, beyond the end");
    }

    [Fact]
    public void PngClaimingMorePixelsThanItsDataCanHold_IsRejected()
    {
        byte[] png = Written(".png", Image(1));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 30000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 20000);
        ReadFails(".png", png, "the header claims 30000x20000 pixels, more than a");
    }

    [Fact]
    public void JpegSegmentLongerThanTheFile_IsNamed()
    {
        byte[] jpeg = Written(".jpg", Image(3));
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(4), 0xFFF0); // the first segment after SOI
        ReadFails(".jpg", jpeg, "has length 65520, beyond the end");
    }

    [Fact]
    public void JpegClaimingMorePixelsThanItsScansCanHold_IsRejected()
    {
        byte[] jpeg = Written(".jpg", Image(3));
        int sof = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), 60000);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), 60000);
        ReadFails(".jpg", jpeg, "the header claims 60000x60000 pixels");
    }

    [Fact]
    public void BmpOfAnUnknownHeaderSize_IsNamed()
    {
        byte[] bmp = Written(".bmp", Image(3));
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(14), 2);
        ReadFails(".bmp", bmp, "unsupported header size 2");
    }

    [Fact]
    public void Os2BmpClaimingMoreRowsThanItHolds_IsTruncated()
    {
        // a 12-byte OS/2 header: 16-bit width and height at 18 and 20, bits per pixel at 24
        byte[] bmp = new byte[14 + 12 + 3 * 4];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(10), 26);
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(14), 12);
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(18), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(20), 9); // 9 rows promised, 3 present
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(22), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(24), 24);
        ReadFails(".bmp", bmp, "truncated data: expected 62 bytes, found 38");
    }

    /// <summary>The offset of a tag's directory entry in a little-endian classic TIFF.</summary>
    private static int TiffEntry(byte[] tiff, int tag)
    {
        Assert.Equal((byte)'I', tiff[0]);
        int ifd = (int)BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(4));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(ifd));
        for (int i = 0; i < count; i++)
            if (BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(ifd + 2 + 12 * i)) == tag)
                return ifd + 2 + 12 * i;
        throw new InvalidOperationException($"tag {tag} not in the test TIFF");
    }

    [Fact]
    public void TiffTagWithMoreValuesThanTheFile_IsNamed()
    {
        byte[] tiff = Written(".tif", Image(3));
        int entry = TiffEntry(tiff, 277); // SamplesPerPixel
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(entry + 4), 318_767_105);
        ReadFails(".tif", tiff, "tag 277 claims 318767105 values");
    }

    [Fact]
    public void TiffStripLongerThanTheFile_IsNamed()
    {
        // PackBits: LibTiff itself repairs a bogus byte count of a single uncompressed strip
        byte[] tiff = Written(".tif", Image(1));
        int entry = TiffEntry(tiff, 279); // StripByteCounts, one strip, stored in the entry
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(entry + 4)));
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(entry + 8), 2_021_161_014);
        ReadFails(".tif", tiff, "strip 0 claims 2021161014 bytes");
    }

    [Fact]
    public void TiffClaimingMorePixelsThanItsStripsCanHold_IsRejected()
    {
        byte[] tiff = Written(".tif", Image(3));
        int entry = TiffEntry(tiff, 257); // ImageLength (SHORT)
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(entry + 8), 60000);
        int width = TiffEntry(tiff, 256);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(width + 8), 60000);
        ReadFails(".tif", tiff, "the header claims 60000x60000 pixels");
    }
}
