using System.Buffers.Binary;
using System.IO.Compression;
using BitMiracle.LibTiff.Classic;
using StbImageWriteSharp;
using SwinBench.Datasets;
using SwinBench.IO;
using Xunit;

namespace SwinBench.Tests.IO;

public class ImageIOTests
{
    /// <summary>An image whose samples are exact multiples of 1/255, so 8-bit formats keep them exactly.</summary>
    private static ImageData ByteExactImage(int channels, int height, int width, int salt = 0)
    {
        var pixels = new float[channels * height * width];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = ((i * 37 + salt * 101 + (i / width) * 11) % 256) / 255f;
        return new ImageData(channels, height, width, pixels);
    }

    [Theory]
    [InlineData(".png", 3)]
    [InlineData(".png", 1)]
    [InlineData(".bmp", 3)]
    [InlineData(".tif", 3)]
    [InlineData(".tif", 1)]
    [InlineData(".tiff", 3)]
    [InlineData(".npy", 3)]
    public void LosslessFormats_RoundTripExactly(string extension, int channels)
    {
        using var dir = new TempDir();
        ImageData image = ByteExactImage(channels, 13, 21);
        string path = dir.File("img" + extension);

        ImageIO.Write(path, image);
        ImageData back = ImageIO.Read(path);

        Assert.Equal(image, back);
    }

    [Fact]
    public void Tiff_Uncompressed_RoundTripsExactly()
    {
        using var dir = new TempDir();
        ImageData image = ByteExactImage(3, 9, 30);
        string packed = dir.File("packbits.tif"), plain = dir.File("plain.tif");

        ImageIO.Write(packed, image);
        ImageIO.Write(plain, image, new ImageWriteOptions(TiffPackBits: false));

        Assert.Equal(image, ImageIO.Read(plain));
        Assert.Equal(image, ImageIO.Read(packed));
        using Tiff tiff = Tiff.Open(plain, "r");
        Assert.Equal(Compression.NONE, (Compression)tiff.GetField(TiffTag.COMPRESSION)[0].ToInt());
        using Tiff tiff2 = Tiff.Open(packed, "r");
        Assert.Equal(Compression.PACKBITS, (Compression)tiff2.GetField(TiffTag.COMPRESSION)[0].ToInt());
    }

    [Fact]
    public void GrayBmp_ReadsBackAsThreeEqualChannels()
    {
        using var dir = new TempDir();
        ImageData gray = ByteExactImage(1, 8, 8);
        string path = dir.File("gray.bmp");
        ImageIO.Write(path, gray);
        Assert.Equal(ImageOps.ToRgb(gray), ImageIO.Read(path));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void TopDownAndBottomUpBmp_OfTheSamePixels_LoadIdentically(int channels)
    {
        using var dir = new TempDir();
        ImageData image = ByteExactImage(channels, 24, 40, salt: channels);
        byte[] samples = ImageIO.ToInterleavedBytes(image);
        string bottomUp = dir.File("bottom-up.bmp"), topDown = dir.File("top-down.bmp");
        File.WriteAllBytes(bottomUp, TestBmp.Encode(samples, channels, 24, 40, topDown: false));
        File.WriteAllBytes(topDown, TestBmp.Encode(samples, channels, 24, 40, topDown: true));

        ImageData fromBottomUp = ImageIO.Read(bottomUp), fromTopDown = ImageIO.Read(topDown);

        // stb reads a paletted BMP as RGB, so a gray one comes back as three equal channels
        ImageData expected = channels == 3 ? image : ImageOps.ToRgb(image);
        Assert.Equal(expected, fromBottomUp);
        Assert.Equal(expected, fromTopDown);
    }

    [Fact]
    public void TruncatedTopDownBmp_IsReportedAsTruncated()
    {
        using var dir = new TempDir();
        string path = dir.File("cut.bmp");
        byte[] bytes = TestBmp.Encode(new byte[3 * 24 * 40], 3, 24, 40, topDown: true);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        AssertReadFails(path, "truncated data");
    }

    [Fact]
    public void Jpeg_RoundTripIsClose_AndQualityMatters()
    {
        using var dir = new TempDir();
        ImageData image = SyntheticImage.Generate(3, 96, 128, seed: 7);
        string good = dir.File("q95.jpg"), poor = dir.File("q10.jpeg");

        ImageIO.Write(good, image);
        ImageIO.Write(poor, image, new ImageWriteOptions(JpegQuality: 10));
        ImageData back = ImageIO.Read(good);
        ImageData backPoor = ImageIO.Read(poor);

        Assert.Equal((3, 96, 128), (back.Channels, back.Height, back.Width));
        double error = MeanAbsoluteDifference(image, back);
        Assert.InRange(error, 1e-6, 0.02); // lossy, but close at quality 95
        Assert.True(MeanAbsoluteDifference(image, backPoor) > error, "quality 10 should be worse than 95");
        Assert.True(new FileInfo(good).Length > new FileInfo(poor).Length);
    }

    [Fact]
    public void Write_QuantizesLikeTheOfficialTest_ClampTimes255RoundHalfEven()
    {
        Assert.Equal(0, ImageIO.ToByte(-0.3f));
        Assert.Equal(255, ImageIO.ToByte(1.7f));
        Assert.Equal(0, ImageIO.ToByte(float.NaN));
        Assert.Equal(128, ImageIO.ToByte(0.5f));        // 127.5 → 128
        Assert.Equal(100, ImageIO.ToByte(100.49f / 255f));
        Assert.Equal(101, ImageIO.ToByte(100.51f / 255f));
        for (int k = 0; k < 256; k++)
            Assert.Equal(k, ImageIO.ToByte(k / 255f));  // every 8-bit level survives a read/write cycle

        using var dir = new TempDir();
        string path = dir.File("clamp.png");
        ImageIO.Write(path, new ImageData(1, 1, 4, [-1f, 2f, 0.5f, float.NaN]));
        Assert.Equal([0f, 1f, 128 / 255f, 0f], ImageIO.Read(path).Pixels);
    }

    private static string Png(TempDir dir, string name, byte[] interleaved, ColorComponents components)
    {
        string path = dir.File(name);
        using var stream = File.Create(path);
        new ImageWriter().WritePng(interleaved, 2, 1, components, stream);
        return path;
    }

    [Fact]
    public void Png_WithOpaqueAlpha_DropsAlpha_AndGrayAlphaStaysGray()
    {
        using var dir = new TempDir();
        ImageData rgb = ImageIO.Read(Png(dir, "rgba.png", [10, 20, 30, 255, 40, 50, 60, 255], ColorComponents.RedGreenBlueAlpha));
        ImageData gray = ImageIO.Read(Png(dir, "ga.png", [7, 255, 200, 255], ColorComponents.GreyAlpha));

        Assert.Equal(new ImageData(3, 1, 2, [10 / 255f, 40 / 255f, 20 / 255f, 50 / 255f, 30 / 255f, 60 / 255f]), rgb);
        Assert.Equal(new ImageData(1, 1, 2, [7 / 255f, 200 / 255f]), gray);
    }

    [Fact]
    public void Png_WithTransparentPixels_IsRefusedWithTheirCount()
    {
        using var dir = new TempDir();
        AssertReadFails(Png(dir, "rgba.png", [10, 20, 30, 0, 40, 50, 60, 255], ColorComponents.RedGreenBlueAlpha),
            "has an alpha channel with 1 of 2 pixels not opaque: SwinIR restores RGB only");
        AssertReadFails(Png(dir, "ga.png", [7, 128, 200, 254], ColorComponents.GreyAlpha),
            "has an alpha channel with 2 of 2 pixels not opaque: SwinIR restores gray only");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Png16Bit_KeepsSixteenBits(int channels)
    {
        using var dir = new TempDir();
        const int height = 2, width = 3;
        var samples = new ushort[channels * height * width]; // interleaved
        for (int i = 0; i < samples.Length; i++)
            samples[i] = (ushort)(i * 9001 % 65536 + 1); // low bytes matter: (v >> 8) / 255 would differ
        string path = dir.File("deep.png");
        File.WriteAllBytes(path, Png16(samples, channels, height, width));

        ImageData image = ImageIO.Read(path);

        Assert.Equal((channels, height, width), (image.Channels, image.Height, image.Width));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    Assert.Equal(samples[(y * width + x) * channels + c] / 65535f, image[c, y, x]);
    }

    [Fact]
    public void Tiff16BitGray_IsDividedBy65535()
    {
        using var dir = new TempDir();
        string path = dir.File("deep.tif");
        ushort[] values = [0, 1, 257, 32768, 65534, 65535];
        WriteTiff(path, width: 3, height: 2, samplesPerPixel: 1, bits: 16, Photometric.MINISBLACK, PlanarConfig.CONTIG,
            (row, _) =>
            {
                var bytes = new byte[6];
                for (int x = 0; x < 3; x++)
                    BitConverter.TryWriteBytes(bytes.AsSpan(2 * x), values[row * 3 + x]);
                return bytes;
            });

        ImageData image = ImageIO.Read(path);
        Assert.Equal(values.Select(v => v / 65535f), image.Pixels);
        Assert.Equal(1, image.Channels);
    }

    [Fact]
    public void TiffMinIsWhite_IsInverted()
    {
        using var dir = new TempDir();
        string path = dir.File("white.tif");
        WriteTiff(path, width: 2, height: 1, samplesPerPixel: 1, bits: 8, Photometric.MINISWHITE, PlanarConfig.CONTIG,
            (_, _) => [0, 255]);
        Assert.Equal([1f, 0f], ImageIO.Read(path).Pixels);
    }

    [Fact]
    public void TiffRgba_DropsOpaqueAlpha_AndRefusesTransparency()
    {
        using var dir = new TempDir();
        string path = dir.File("rgba.tif");
        WriteTiff(path, width: 2, height: 1, samplesPerPixel: 4, bits: 8, Photometric.RGB, PlanarConfig.CONTIG,
            (_, _) => [10, 20, 30, 255, 40, 50, 60, 255], extraAlpha: true);
        Assert.Equal(new ImageData(3, 1, 2, [10 / 255f, 40 / 255f, 20 / 255f, 50 / 255f, 30 / 255f, 60 / 255f]), ImageIO.Read(path));

        string white = dir.File("white-alpha.tif");
        WriteTiff(white, width: 2, height: 1, samplesPerPixel: 2, bits: 8, Photometric.MINISWHITE, PlanarConfig.SEPARATE,
            (_, plane) => plane == 0 ? [0, 255] : [255, 255], extraAlpha: true);
        Assert.Equal([1f, 0f], ImageIO.Read(white).Pixels); // the gray is inverted, the alpha is not

        string seeThrough = dir.File("see-through.tif");
        WriteTiff(seeThrough, width: 2, height: 1, samplesPerPixel: 4, bits: 8, Photometric.RGB, PlanarConfig.CONTIG,
            (_, _) => [10, 20, 30, 99, 40, 50, 60, 0], extraAlpha: true);
        AssertReadFails(seeThrough, "2 of 2 pixels not opaque");
    }

    [Fact]
    public void TiffSeparatePlanes_AreRead()
    {
        using var dir = new TempDir();
        string path = dir.File("planes.tif");
        WriteTiff(path, width: 2, height: 2, samplesPerPixel: 3, bits: 8, Photometric.RGB, PlanarConfig.SEPARATE,
            (row, plane) => [(byte)(plane * 100 + row * 10), (byte)(plane * 100 + row * 10 + 1)]);
        ImageData image = ImageIO.Read(path);
        Assert.Equal(new[] { 0, 1, 10, 11, 100, 101, 110, 111, 200, 201, 210, 211 }.Select(v => v / 255f), image.Pixels);
    }

    [Fact]
    public void LzwTiff_MatchesLibTiffsOwnRgbaDecoder()
    {
        using var dir = new TempDir();
        string path = dir.File("photo.tif");
        const int width = 37, height = 29;
        byte[] interleaved = ImageIO.ToInterleavedBytes(SyntheticImage.Generate(3, height, width, seed: 5));
        WriteTiff(path, width, height, samplesPerPixel: 3, bits: 8, Photometric.RGB, PlanarConfig.CONTIG,
            (y, _) => interleaved.AsSpan(y * width * 3, width * 3).ToArray());
        ImageData image = ImageIO.Read(path);
        Assert.Equal((3, height, width), (image.Channels, image.Height, image.Width));

        // Independent path through the same library: the RGBA raster interface.
        using Tiff tiff = Tiff.Open(path, "r");
        var raster = new int[width * height];
        Assert.True(tiff.ReadRGBAImageOriented(width, height, raster, Orientation.TOPLEFT));
        for (int i = 0; i < raster.Length; i++)
        {
            int y = i / width, x = i % width;
            Assert.Equal(Tiff.GetR(raster[i]) / 255f, image[0, y, x]);
            Assert.Equal(Tiff.GetG(raster[i]) / 255f, image[1, y, x]);
            Assert.Equal(Tiff.GetB(raster[i]) / 255f, image[2, y, x]);
        }
    }

    [Fact]
    public void MissingFile_NamesTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "swinbench-missing-image.png");
        AssertReadFails(path, "file not found");
    }

    [Theory]
    [InlineData("empty.png")]
    [InlineData("empty.jpg")]
    [InlineData("empty.tif")]
    public void EmptyFile_SaysEmpty(string name)
    {
        using var dir = new TempDir();
        string path = dir.File(name);
        File.WriteAllBytes(path, []);
        AssertReadFails(path, "empty file (0 bytes)");
    }

    [Theory]
    [InlineData("garbage.png")]
    [InlineData("garbage.bmp")]
    [InlineData("garbage.jpeg")]
    [InlineData("garbage.tiff")]
    public void CorruptFile_IsReportedAsCorrupt(string name)
    {
        using var dir = new TempDir();
        string path = dir.File(name);
        var bytes = new byte[300];
        new Random(3).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        AssertReadFails(path, "corrupt");
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".tif")]
    public void TruncatedFile_IsReportedAsCorrupt(string extension)
    {
        using var dir = new TempDir();
        string whole = dir.File("whole" + extension), cut = dir.File("cut" + extension);
        ImageIO.Write(whole, SyntheticImage.Generate(3, 64, 64, seed: 1), new ImageWriteOptions(TiffPackBits: false));
        byte[] bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 3)]);
        AssertReadFails(cut, "corrupt");
    }

    [Theory]
    [InlineData("picture.gif")]
    [InlineData("picture.webp")]
    [InlineData("picture")]
    public void UnsupportedExtension_IsNamed(string name)
    {
        using var dir = new TempDir();
        string path = dir.File(name);
        File.WriteAllBytes(path, [1, 2, 3]);
        var e = AssertReadFails(path, Path.HasExtension(name) ? $"unsupported image extension '{Path.GetExtension(name)}'" : "no file extension");
        Assert.Contains(".png", e.Message); // lists what is supported
    }

    [Fact]
    public void Write_RejectsUnsupportedExtensionAndChannelCount()
    {
        using var dir = new TempDir();
        var gif = Assert.Throws<ArgumentException>(() => ImageIO.Write(dir.File("x.gif"), ByteExactImage(3, 2, 2)));
        Assert.Contains("x.gif", gif.Message);
        var twoChannels = Assert.Throws<ArgumentException>(() => ImageIO.Write(dir.File("x.png"), ByteExactImage(2, 2, 2)));
        Assert.Contains("2-channel", twoChannels.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Write_ReplacesAnExistingFileAndLeavesNoTemporaryFiles()
    {
        using var dir = new TempDir();
        string path = dir.File("out.png");
        ImageIO.Write(path, ByteExactImage(3, 4, 4, salt: 1));
        ImageData second = ByteExactImage(3, 5, 6, salt: 2);
        ImageIO.Write(path, second);

        Assert.Equal(second, ImageIO.Read(path));
        Assert.Equal(["out.png"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    private static InputFileException AssertReadFails(string path, string problem)
    {
        var e = Assert.Throws<InputFileException>(() => ImageIO.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    private static double MeanAbsoluteDifference(ImageData a, ImageData b) =>
        a.Pixels.Zip(b.Pixels, (x, y) => Math.Abs((double)x - y)).Average();

    private static void WriteTiff(string path, int width, int height, int samplesPerPixel, int bits, Photometric photometric,
        PlanarConfig planar, Func<int, int, byte[]> row, bool extraAlpha = false)
    {
        using Tiff tiff = Tiff.Open(path, "w");
        tiff.SetField(TiffTag.IMAGEWIDTH, width);
        tiff.SetField(TiffTag.IMAGELENGTH, height);
        tiff.SetField(TiffTag.SAMPLESPERPIXEL, samplesPerPixel);
        tiff.SetField(TiffTag.BITSPERSAMPLE, bits);
        tiff.SetField(TiffTag.PHOTOMETRIC, photometric);
        tiff.SetField(TiffTag.PLANARCONFIG, planar);
        tiff.SetField(TiffTag.COMPRESSION, Compression.LZW);
        tiff.SetField(TiffTag.ROWSPERSTRIP, 1);
        if (extraAlpha)
            tiff.SetField(TiffTag.EXTRASAMPLES, 1, new short[] { (short)ExtraSample.UNASSALPHA });
        int planes = planar == PlanarConfig.SEPARATE ? samplesPerPixel : 1;
        for (int plane = 0; plane < planes; plane++)
            for (int y = 0; y < height; y++)
                Assert.True(tiff.WriteScanline(row(y, plane), y, (short)plane));
    }

    /// <summary>A minimal 16-bit gray (1 channel) or RGB (3 channels) PNG, unfiltered, from interleaved samples.</summary>
    private static byte[] Png16(ushort[] samples, int channels, int height, int width)
    {
        var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter type None
            for (int i = 0; i < width * channels; i++)
            {
                ushort v = samples[y * width * channels + i];
                raw.WriteByte((byte)(v >> 8));
                raw.WriteByte((byte)v);
            }
        }
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(raw.ToArray());

        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 16;                             // bit depth
        ihdr[9] = (byte)(channels == 1 ? 0 : 2);  // colour type: gray or RGB
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        byte[] typeAndData = [.. type.Select(c => (byte)c), .. data];
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        png.Write(word);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
