using TorchSharp;
using static TorchSharp.torch;

namespace SwinBench.IO;

/// <summary>Reads and writes model inputs/outputs by extension: .npy (NCHW or CHW; float, or uint8/uint16 scaled to [0, 1]) or an image file.</summary>
public static class ArrayFiles
{
    /// <summary>An image file ImageIO reads and writes (its supported extensions other than .npy, which is an array here).</summary>
    public static bool IsImage(string path) =>
        ImageIO.IsSupported(path) && !string.Equals(Path.GetExtension(path), ".npy", StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws unless <paramref name="path"/> has an extension this tool can write (checked before any work is done).</summary>
    public static void CheckWritable(string path)
    {
        if (Directory.Exists(path) || Path.EndsInDirectorySeparator(path))
            throw new InputFileException(path, $"is a folder: give the output file, e.g. {Path.Combine(path, "out.png")}");
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext.Length == 0)
            throw new InputFileException(path, "has no extension: end it in .npy, .png, .bmp, .jpg or .tif");
        if (ext != ".npy" && !IsImage(path))
            throw new InputFileException(path, $"cannot write '{ext}': use .npy, .png, .bmp, .jpg or .tif");
    }

    /// <summary>Loads a float32 (N, C, H, W) tensor from .npy (NCHW or CHW, <see cref="Npy.ReadSamples"/>) or an image (1×C×H×W), nominally in [0, 1].</summary>
    public static Tensor ReadNchw(string path)
    {
        if (!File.Exists(path)) throw InputFileException.NotAFile(path);
        if (IsImage(path))
        {
            var img = ImageIO.Read(path);
            if (img.Height == 0 || img.Width == 0) throw new InputFileException(path, $"empty image ({img.Height}x{img.Width})");
            return tensor(img.Pixels, [1, img.Channels, img.Height, img.Width]);
        }
        if (!string.Equals(Path.GetExtension(path), ".npy", StringComparison.OrdinalIgnoreCase))
            throw new InputFileException(path, $"unsupported input type '{Path.GetExtension(path)}': use .npy (float32 NCHW) or a PNG/BMP/JPEG/TIFF image");
        var arr = Npy.ReadSamples(path);
        var shape = arr.Shape.Length switch
        {
            4 => arr.Shape,
            3 => [1, .. arr.Shape],
            _ => throw new InputFileException(path, $"array of shape [{string.Join(", ", arr.Shape)}] is not NCHW or CHW"),
        };
        if (shape.Any(d => d == 0)) throw new InputFileException(path, $"empty array of shape [{string.Join(", ", arr.Shape)}]");
        return tensor(arr.Data, shape);
    }

    /// <summary>Writes a float32 NCHW tensor as .npy, or (batch 1) as an 8-bit image rounded like the official test.</summary>
    public static void WriteNchw(string path, Tensor x)
    {
        CheckWritable(path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var data = x.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        if (!IsImage(path))
        {
            Npy.Write(path, new NpyArray(x.shape, data));
            return;
        }
        if (x.shape[0] != 1) throw new InputFileException(path, $"an image holds one picture, the output has batch {x.shape[0]}; write .npy instead");
        ImageIO.Write(path, new ImageData((int)x.shape[1], (int)x.shape[2], (int)x.shape[3], data));
    }
}
