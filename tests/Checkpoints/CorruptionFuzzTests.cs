using System.IO.Compression;
using SwinBench.Checkpoints;
using Xunit;

namespace SwinBench.Tests.Checkpoints;

/// <summary>Damaged copies of a real checkpoint must fail with a one-line <see cref="CheckpointException"/> and nothing else.</summary>
public sealed class CorruptionFuzzTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Dictionary<string, byte[]> ReadEntries(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            var bytes = new byte[e.Length];
            stream.ReadExactly(bytes);
            return bytes;
        });
    }

    private static void WriteEntries(string path, Dictionary<string, byte[]> entries)
    {
        using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        foreach (var (name, bytes) in entries)
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            stream.Write(bytes);
        }
    }

    [Fact]
    public void DamagedDataPkl_OnlyEverRaisesCheckpointException()
    {
        var entries = ReadEntries(GoldenFixtures.PathOf("tiny_lightweight_x2.pth"));
        const string pickleName = "tiny_lightweight_x2/data.pkl";
        byte[] original = entries[pickleName];
        var random = new Random(1234);
        int failures = 0;

        for (int round = 0; round < 120; round++)
        {
            byte[] damaged = original.ToArray();
            if (round % 3 == 0)
            {
                damaged = damaged[..random.Next(1, damaged.Length)];
            }
            else
            {
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                    damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            }
            entries[pickleName] = damaged;
            string path = _temp.File($"fuzz{round}.pth");
            WriteEntries(path, entries);

            try
            {
                Checkpoint.Load(path);
            }
            catch (CheckpointException ex)
            {
                failures++;
                Assert.Contains(path, ex.Message);
                Assert.DoesNotContain('\n', ex.Message);
            }
        }

        Assert.True(failures >= 40, $"only {failures} of 120 damaged pickles were rejected");  // every truncation must fail
    }

    [Fact]
    public void DamagedZipBytes_OnlyEverRaiseCheckpointException()
    {
        byte[] original = File.ReadAllBytes(GoldenFixtures.PathOf("tiny_lightweight_x2.pth"));
        var random = new Random(99);
        for (int round = 0; round < 40; round++)
        {
            byte[] damaged = original.ToArray();
            // Damage the central directory / local headers region near the end, or anywhere.
            int start = round % 2 == 0 ? damaged.Length - 4096 : 0;
            for (int flips = 0; flips < 8; flips++)
                damaged[random.Next(start, damaged.Length)] = (byte)random.Next(256);
            string path = _temp.File($"zipfuzz{round}.pth");
            File.WriteAllBytes(path, damaged);

            var ex = Record.Exception(() => Checkpoint.Load(path));
            Assert.True(ex is null or CheckpointException, $"round {round}: {ex?.GetType().Name}: {ex?.Message}");
        }
    }
}
