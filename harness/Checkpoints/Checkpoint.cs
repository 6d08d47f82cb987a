namespace SwinBench.Checkpoints;

/// <summary>Entry point for reading model checkpoints (<c>.pth</c> zip files and <c>.safetensors</c>) without Python.</summary>
public static class Checkpoint
{
    private const int SniffLength = 16;

    /// <summary>
    /// The pickle that the legacy (pre-1.6) <c>torch.save</c> format starts with: PROTO 2, then LONG1 with
    /// 10 bytes holding torch's magic number 0x1950a86a20f9469cfc6c.
    /// </summary>
    private static ReadOnlySpan<byte> LegacyMagic =>
        [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

    /// <summary>
    /// Reads the checkpoint at <paramref name="path"/>, choosing the reader from its content: a zip archive
    /// (<c>PK\x03\x04</c>) is read by <see cref="PthReader"/>; a file named <c>*.safetensors</c> or starting with a
    /// safetensors header by <see cref="SafetensorsReader"/>. Legacy (non-zip) torch files and other raw pickles are
    /// refused with a message explaining how to re-save them.
    /// </summary>
    /// <param name="path">Checkpoint file.</param>
    /// <param name="wrapKey">Top-level key holding the state dict, or null to auto-detect (rule: <see cref="WrapKeyResolver"/>).</param>
    /// <returns>The tensors, in file order.</returns>
    /// <exception cref="CheckpointException">Any problem; the message names the file.</exception>
    public static StateDict Load(string path, string? wrapKey = null)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new CheckpointException("cannot load checkpoint: the path is empty");
        if (Directory.Exists(path))
            throw CheckpointException.ForFile(path, "is a directory, not a file");
        if (!File.Exists(path))
            throw CheckpointException.ForFile(path, "file not found");

        long length;
        byte[] head;
        try
        {
            length = new FileInfo(path).Length;
            head = ReadHead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CheckpointException.ForFile(path, $"cannot read the file ({ex.Message})", ex);
        }

        try
        {
            return LoadByContent(path, wrapKey, head, length);
        }
        catch (Exception ex) when (ex is not CheckpointException and not OutOfMemoryException)
        {
            // Safety net: whatever a reader did not anticipate still surfaces as a one-line CheckpointException.
            throw CheckpointException.ForFile(path, $"unexpected {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private static StateDict LoadByContent(string path, string? wrapKey, byte[] head, long length)
    {
        if (length == 0)
            throw CheckpointException.ForFile(path, "file is empty (0 bytes)");
        if (head.AsSpan().StartsWith("PK\x03\x04"u8) || head.AsSpan().StartsWith("PK\x05\x06"u8))
            return PthReader.Read(path, wrapKey);
        if (head.AsSpan().StartsWith(LegacyMagic))
            throw CheckpointException.ForFile(path,
                "was saved in the legacy (non-zip) PyTorch format; re-save it with torch>=1.6 (torch.save(obj, path))");
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || SafetensorsReader.LooksLikeSafetensors(head, length))
            return SafetensorsReader.Read(path, wrapKey);
        if (head[0] == 0x80)
            throw CheckpointException.ForFile(path,
                "is a raw pickle, not a PyTorch zip checkpoint; re-save it with torch>=1.6 (torch.save(obj, path))");
        throw CheckpointException.ForFile(path,
            $"unrecognized checkpoint format (starts with {Convert.ToHexString(head, 0, Math.Min(head.Length, 8))}); expected a PyTorch zip .pth or a .safetensors file");
    }

    private static byte[] ReadHead(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new byte[SniffLength];
        int read = stream.ReadAtLeast(buffer, SniffLength, throwOnEndOfStream: false);
        return buffer[..read];
    }
}
