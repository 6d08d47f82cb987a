using SwinBench.IO;
using Xunit;

namespace SwinBench.Tests.IO;

public class ImageOpsTests
{
    /// <summary>Sample value encodes its position: c * 10000 + y * 100 + x.</summary>
    private static ImageData PositionImage(int channels, int height, int width)
    {
        var pixels = new float[channels * height * width];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    pixels[(c * height + y) * width + x] = c * 10000 + y * 100 + x;
        return new ImageData(channels, height, width, pixels);
    }

    [Fact]
    public void ToRgb_ReplicatesTheGrayPlane()
    {
        ImageData gray = new(1, 2, 2, [0.1f, 0.2f, 0.3f, 0.4f]);
        ImageData rgb = ImageOps.ToRgb(gray);
        Assert.Equal(new ImageData(3, 2, 2, [0.1f, 0.2f, 0.3f, 0.4f, 0.1f, 0.2f, 0.3f, 0.4f, 0.1f, 0.2f, 0.3f, 0.4f]), rgb);
    }

    [Fact]
    public void ToRgb_OfRgb_IsTheSameImage_AndToGrayOfGrayToo()
    {
        ImageData rgb = PositionImage(3, 2, 2), gray = PositionImage(1, 2, 2);
        Assert.Same(rgb, ImageOps.ToRgb(rgb));
        Assert.Same(gray, ImageOps.ToGray(gray));
    }

    [Fact]
    public void ToGray_UsesBt601Weights()
    {
        // Pixels: red, green, blue, white, mid-gray.
        ImageData rgb = new(3, 1, 5, [
            1f, 0f, 0f, 1f, 0.5f,
            0f, 1f, 0f, 1f, 0.5f,
            0f, 0f, 1f, 1f, 0.5f]);
        float[] y = ImageOps.ToGray(rgb).Pixels;
        Assert.Equal(0.299f, y[0], 6);
        Assert.Equal(0.587f, y[1], 6);
        Assert.Equal(0.114f, y[2], 6);
        Assert.Equal(1f, y[3], 6);
        Assert.Equal(0.5f, y[4], 6);
    }

    [Fact]
    public void ChannelConversions_RejectOtherChannelCounts()
    {
        ImageData two = PositionImage(2, 2, 2);
        Assert.Throws<ArgumentException>(() => ImageOps.ToRgb(two));
        Assert.Throws<ArgumentException>(() => ImageOps.ToGray(two));
    }

    [Fact]
    public void Crop_TakesTheWindowFromEveryChannel()
    {
        ImageData crop = ImageOps.Crop(PositionImage(2, 5, 6), top: 1, left: 2, height: 3, width: 2);
        Assert.Equal((2, 3, 2), (crop.Channels, crop.Height, crop.Width));
        for (int c = 0; c < 2; c++)
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 2; x++)
                    Assert.Equal(c * 10000 + (y + 1) * 100 + (x + 2), crop[c, y, x]);
    }

    [Theory]
    [InlineData(-1, 0, 2, 2)]
    [InlineData(0, -1, 2, 2)]
    [InlineData(0, 0, 0, 2)]
    [InlineData(4, 0, 2, 2)]
    [InlineData(0, 5, 1, 2)]
    public void Crop_OutsideTheImage_Throws(int top, int left, int height, int width)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageOps.Crop(PositionImage(1, 5, 6), top, left, height, width));
    }

    [Fact]
    public void CropToMultiple_DropsBottomRowsAndRightColumns()
    {
        // Set14 comic is 361x250; for x3 the HR is cropped to 360x249.
        ImageData hr = PositionImage(3, 361, 250);
        ImageData cropped = ImageOps.CropToMultiple(hr, 3);
        Assert.Equal((3, 360, 249), (cropped.Channels, cropped.Height, cropped.Width));
        Assert.Equal(ImageOps.Crop(hr, 0, 0, 360, 249), cropped);
        Assert.Equal(2 * 10000 + 359 * 100 + 248, cropped[2, 359, 248]);
    }

    [Fact]
    public void CropToMultiple_OfAFittingImage_IsTheSameImage()
    {
        ImageData image = PositionImage(1, 8, 12);
        Assert.Same(image, ImageOps.CropToMultiple(image, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageOps.CropToMultiple(image, 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageOps.CropToMultiple(image, 0));
    }
}

public class ImageDataTests
{
    [Fact]
    public void Constructor_ChecksSizes()
    {
        Assert.Throws<ArgumentException>(() => new ImageData(3, 2, 2, new float[11]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageData(0, 2, 2, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageData(1, -2, 2, new float[4]));
    }

    [Fact]
    public void Indexer_IsPlanarChw()
    {
        var image = new ImageData(2, 2, 3, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        Assert.Equal(5f, image[0, 1, 2]);
        Assert.Equal(7f, image[1, 0, 1]);
    }

    [Fact]
    public void Equality_ComparesPixels()
    {
        var a = new ImageData(1, 1, 2, [0.25f, 0.5f]);
        Assert.Equal(a, new ImageData(1, 1, 2, [0.25f, 0.5f]));
        Assert.NotEqual(a, new ImageData(1, 1, 2, [0.25f, 0.75f]));
        Assert.NotEqual(a, new ImageData(1, 2, 1, [0.25f, 0.5f]));
    }

    [Fact]
    public void ToNpy_IsABatchOfOne_AndFromNpyInverts()
    {
        var image = new ImageData(3, 2, 4, Enumerable.Range(0, 24).Select(i => i / 24f).ToArray());
        NpyArray array = image.ToNpy();
        Assert.Equal(new long[] { 1, 3, 2, 4 }, array.Shape);
        Assert.Equal(image.Pixels, array.Data);
        Assert.NotSame(image.Pixels, array.Data);
        Assert.Equal(image, ImageData.FromNpy(array));
        Assert.Equal(image, ImageData.FromNpy(new NpyArray([3, 2, 4], array.Data)));
    }

    [Fact]
    public void FromNpy_RejectsBatchesAndOtherRanks()
    {
        Assert.Throws<ArgumentException>(() => ImageData.FromNpy(new NpyArray([2, 1, 2, 2], new float[8])));
        Assert.Throws<ArgumentException>(() => ImageData.FromNpy(new NpyArray([4, 4], new float[16])));
        Assert.Throws<ArgumentException>(() => ImageData.FromNpy(new NpyArray([1, 3, 0, 4], [])));
    }
}
