using System.IO.Compression;
using System.Text;

namespace SwinBench.Checkpoints;

/// <summary>
/// Reads PyTorch zip checkpoints as written by <c>torch.save</c> (torch ≥ 1.6) without Python:
/// <c>&lt;prefix&gt;/data.pkl</c> is unpickled by a restricted, allow-listed pickle machine and every tensor's
/// storage is read from <c>&lt;prefix&gt;/data/&lt;key&gt;</c> (byte order from the optional <c>&lt;prefix&gt;/byteorder</c>).
/// </summary>
public static class PthReader
{
    /// <summary>Reads the checkpoint at <paramref name="path"/> and extracts its state dict.</summary>
    /// <param name="path">A <c>.pth</c> zip checkpoint.</param>
    /// <param name="wrapKey">Top-level key holding the state dict, or null to detect it (see <see cref="WrapKeyResolver"/>).</param>
    /// <exception cref="CheckpointException">Any problem with the file.</exception>
    public static StateDict Read(string path, string? wrapKey = null) =>
        WrapKeyResolver.Resolve(ReadObject(path), wrapKey, path);

    /// <summary>Unpickles the checkpoint's top-level object (usually a <see cref="PyDict"/>).</summary>
    internal static object? ReadObject(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var zip = OpenZip(stream, path);
            string prefix = FindRecordPrefix(zip, path);
            bool bigEndian = ReadIsBigEndian(zip, prefix, path);
            byte[] pickle = ReadEntry(zip.GetEntry(prefix + "data.pkl")!, path);

            var host = new TorchPickleHost(path, storage => ReadStorage(zip, prefix, storage, bigEndian, path));
            return new Unpickler(pickle, host.Where, host).Load();
        }
        catch (Exception ex) when (ex is not CheckpointException and not OutOfMemoryException)
        {
            throw CheckpointException.ForFile(path, $"cannot read the zip archive ({ex.GetType().Name}: {ex.Message})", ex);
        }
    }

    private static ZipArchive OpenZip(Stream stream, string path)
    {
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException ex)
        {
            throw CheckpointException.ForFile(path, $"truncated or corrupt zip archive ({ex.Message})", ex);
        }
    }

    /// <summary>Finds the record directory, e.g. <c>archive/</c>, that holds <c>data.pkl</c>.</summary>
    private static string FindRecordPrefix(ZipArchive zip, string path)
    {
        var pickle = zip.Entries
            .Where(e => e.FullName == "data.pkl" || (e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
                                                     && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length))
            .OrderBy(e => e.FullName.Length)
            .FirstOrDefault();
        if (pickle is null)
            throw CheckpointException.ForFile(path, "zip archive has no '<prefix>/data.pkl' entry, so it is not a PyTorch checkpoint");
        return pickle.FullName[..^"data.pkl".Length];
    }

    private static bool ReadIsBigEndian(ZipArchive zip, string prefix, string path)
    {
        var entry = zip.GetEntry(prefix + "byteorder");
        if (entry is null) return false;  // files from before the entry existed are little-endian
        string order = Encoding.ASCII.GetString(ReadEntry(entry, path)).Trim();
        return order switch
        {
            "little" => false,
            "big" => true,
            _ => throw CheckpointException.ForFile(path, $"entry '{PyDescribe.Printable(entry.FullName)}' says '{PyDescribe.Printable(order)}', expected 'little' or 'big'"),
        };
    }

    private static byte[] ReadStorage(ZipArchive zip, string prefix, StorageRef storage, bool bigEndian, string path)
    {
        string name = $"{prefix}data/{storage.Key}";
        ZipArchiveEntry? entry;
        try
        {
            entry = zip.GetEntry(name);
        }
        catch (Exception ex) when (ex is not CheckpointException and not OutOfMemoryException)
        {
            throw CheckpointException.ForFile(path, $"cannot read storage entry '{PyDescribe.Printable(name)}' ({ex.GetType().Name}: {ex.Message})", ex);
        }
        if (entry is null)
            throw CheckpointException.ForFile(path, $"missing storage entry '{PyDescribe.Printable(name)}' referenced by data.pkl");
        int elementSize = storage.DType.ElementSize();
        if (storage.ElementCount > entry.Length / elementSize)
            throw CheckpointException.ForFile(path,
                $"storage entry '{PyDescribe.Printable(name)}' holds {entry.Length} bytes but data.pkl declares {storage.ElementCount} {storage.DType} elements " +
                $"({(System.Numerics.BigInteger)storage.ElementCount * elementSize} bytes)");
        byte[] bytes = ReadEntry(entry, path);
        if (bigEndian) ReverseEachElement(bytes, elementSize);
        return bytes;
    }

    /// <summary>
    /// Reads a whole entry. The buffer grows with the bytes actually read, so an entry whose directory record claims
    /// more than it holds costs no more memory than its real content.
    /// </summary>
    private static byte[] ReadEntry(ZipArchiveEntry entry, string path)
    {
        const int FirstChunk = 1 << 20;
        if (entry.Length > Array.MaxLength)
            throw CheckpointException.ForFile(path,
                $"entry '{PyDescribe.Printable(entry.FullName)}' is {entry.Length} bytes, over the {Array.MaxLength}-byte limit for one entry");
        try
        {
            var buffer = new byte[Math.Min(entry.Length, FirstChunk)];
            int filled = 0;
            using var stream = entry.Open();
            while (filled < entry.Length)
            {
                if (filled == buffer.Length)
                    Array.Resize(ref buffer, (int)Math.Min(entry.Length, 2L * buffer.Length));
                int read = stream.Read(buffer, filled, buffer.Length - filled);
                if (read == 0)
                    throw CheckpointException.ForFile(path,
                        $"entry '{PyDescribe.Printable(entry.FullName)}' ends after {filled} of its declared {entry.Length} bytes (truncated or corrupt zip)");
                filled += read;
            }
            return buffer;
        }
        catch (Exception ex) when (ex is not CheckpointException and not OutOfMemoryException)
        {
            throw CheckpointException.ForFile(path,
                $"cannot read entry '{PyDescribe.Printable(entry.FullName)}' of the zip archive ({ex.GetType().Name}: {ex.Message})", ex);
        }
    }

    /// <summary>Converts big-endian elements to little-endian in place.</summary>
    private static void ReverseEachElement(byte[] bytes, int elementSize)
    {
        if (elementSize == 1) return;
        for (int i = 0; i + elementSize <= bytes.Length; i += elementSize)
            Array.Reverse(bytes, i, elementSize);
    }
}
