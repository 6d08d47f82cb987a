using SwinBench.Checkpoints;
using Xunit;

namespace SwinBench.Tests.Checkpoints;

/// <summary>Format detection and whole-file failures of <see cref="Checkpoint.Load"/>.</summary>
public sealed class CheckpointFormatTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void TruncatedGoldenPth_FailsWithMessageNamingTheFile()
    {
        byte[] full = File.ReadAllBytes(GoldenFixtures.PathOf("tiny_classical_x4.pth"));
        string path = _temp.File("truncated.pth");
        File.WriteAllBytes(path, full[..(full.Length / 2)]);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains("zip", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void LegacyTorchFormat_AsksToResave()
    {
        // What torch<1.6 wrote first: pickle.dump(MAGIC_NUMBER, f, protocol=2), then the protocol version, ...
        byte[] legacy = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e,
                         0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e];
        string path = _temp.File("old.pth");
        File.WriteAllBytes(path, legacy);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains("was saved in the legacy (non-zip) PyTorch format; re-save it with torch>=1.6 (torch.save(obj, path))", ex.Message);
    }

    [Fact]
    public void RawPickleWithoutMagic_IsRefused()
    {
        string path = _temp.File("raw.pkl");
        File.WriteAllBytes(path, new PickleBuilder().Proto(2).EmptyDict().Stop().ToArray());

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains("raw pickle", ex.Message);
    }

    [Fact]
    public void EmptyFile_IsRefused()
    {
        string path = _temp.File("empty.pth");
        File.WriteAllBytes(path, []);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void MissingFile_IsRefused()
    {
        string path = _temp.File("nothing-here.pth");

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("not found", ex.Message);
    }

    [Fact]
    public void UnknownContent_IsRefused()
    {
        string path = _temp.File("noise.bin");
        File.WriteAllBytes(path, "hello, world"u8.ToArray());

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains("unrecognized checkpoint format", ex.Message);
    }

    [Fact]
    public void ZipWithGarbageAfterHeader_IsRefused()
    {
        string path = _temp.File("garbage.pth");
        File.WriteAllBytes(path, [(byte)'P', (byte)'K', 3, 4, 1, 2, 3, 4, 5, 6, 7, 8]);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("zip", ex.Message);
    }
}
