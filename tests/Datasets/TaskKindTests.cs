using SwinBench.Datasets;
using Xunit;

namespace SwinBench.Tests.Datasets;

public class TaskKindTests
{
    private static readonly DatasetImage Comic = DatasetManifest.Default.Find("Set14", "comic"); // 361x250

    [Theory]
    [InlineData(2, 180, 125)] // 361 → 360 → 180; 250 → 125
    [InlineData(3, 120, 83)]  // 361 → 360 → 120; 250 → 249 → 83
    [InlineData(4, 90, 62)]   // 361 → 360 → 90;  250 → 248 → 62
    [InlineData(8, 45, 31)]   // 361 → 360 → 45;  250 → 248 → 31
    public void SuperResolution_InputIsTheModcroppedHrDividedByTheScale(int scale, int height, int width)
    {
        Assert.Equal(new ImageSize(361, 250), Comic.Size);
        TaskKind task = TaskKind.SuperResolution(scale);
        Assert.Equal(new ImageSize(height, width), task.InputSize(Comic));
        Assert.Equal(new ImageSize(height, width), TaskKind.InputSize(Comic, scale));
        Assert.Equal(new ImageSize(height * scale, width * scale), task.OutputSize(Comic));
    }

    [Fact]
    public void DenoiseAndJpeg_UseTheHrSize()
    {
        Assert.Equal(new ImageSize(361, 250), TaskKind.Denoise.InputSize(Comic));
        Assert.Equal(new ImageSize(361, 250), TaskKind.JpegCar.OutputSize(Comic));
        Assert.Equal(new ImageSize(361, 250), TaskKind.InputSize(Comic, 1));
        Assert.Equal(1, TaskKind.Denoise.Scale);
    }

    [Fact]
    public void InvalidScales_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TaskKind.SuperResolution(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TaskKind.InputSize(Comic, 0));
        Assert.Throws<ArgumentException>(() => TaskKind.InputSize(new DatasetImage("D", "tiny", 3, 9, 3, "png"), 4));
    }

    [Theory]
    [InlineData("sr-x4", "sr-x4")]
    [InlineData("SR_X3", "sr-x3")]
    [InlineData("x2", "sr-x2")]
    [InlineData("srx8", "sr-x8")]
    [InlineData("denoise", "denoise")]
    [InlineData("JPEG", "jpeg-car")]
    public void Parse_AcceptsCommonSpellings(string text, string canonical)
    {
        TaskKind task = TaskKind.Parse(text);
        Assert.Equal(canonical, task.ToString());
        Assert.Equal(task, TaskKind.Parse(task.ToString()));
    }

    [Theory]
    [InlineData("sr-x1")]
    [InlineData("deblur")]
    [InlineData("")]
    public void Parse_RejectsUnknownTasks(string text)
    {
        Assert.Throws<FormatException>(() => TaskKind.Parse(text));
    }

    [Fact]
    public void Equality_IsByTypeAndScale()
    {
        Assert.Equal(TaskKind.SuperResolution(4), TaskKind.SuperResolution(4));
        Assert.NotEqual(TaskKind.SuperResolution(4), TaskKind.SuperResolution(2));
        Assert.NotEqual(TaskKind.Denoise, TaskKind.JpegCar);
    }
}
