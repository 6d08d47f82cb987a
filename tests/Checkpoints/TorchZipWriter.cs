using System.IO.Compression;
using System.Text;

namespace SwinBench.Tests.Checkpoints;

/// <summary>Writes a torch.save-like zip: &lt;prefix&gt;/data.pkl, &lt;prefix&gt;/data/&lt;key&gt;, byteorder, version (all stored).</summary>
internal static class TorchZipWriter
{
    public static void Write(string path, byte[] pickle, IReadOnlyDictionary<string, byte[]> storages,
        string prefix = "archive", string? byteOrder = "little")
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        AddEntry(zip, $"{prefix}/data.pkl", pickle);
        if (byteOrder is not null) AddEntry(zip, $"{prefix}/byteorder", Encoding.ASCII.GetBytes(byteOrder));
        foreach (var (key, bytes) in storages) AddEntry(zip, $"{prefix}/data/{key}", bytes);
        AddEntry(zip, $"{prefix}/version", Encoding.ASCII.GetBytes("3\n"));
    }

    private static void AddEntry(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var stream = entry.Open();
        stream.Write(content);
    }
}

/// <summary>A temporary directory deleted at dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => System.IO.Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "swinbench-ckpt-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
