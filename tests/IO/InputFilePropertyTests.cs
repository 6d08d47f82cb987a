using System.Buffers.Binary;
using System.Text;
using CsCheck;
using SwinBench.Datasets;
using SwinBench.IO;

namespace SwinBench.Tests.IO;

/// <summary>
/// Property tests of the input-file loaders (Npy, ImageIO, ArrayFiles): valid .npy, PNG, BMP, TIFF and JPEG files
/// written here from small generated images are damaged by random byte edits and by edits of their header fields
/// (sizes, dimensions, offsets, dtype strings, shapes). Every damaged file must either load as a sane image or fail
/// with an <see cref="InputFileException"/>: never another exception, a hang, or managed allocations beyond a
/// bound derived from the file's length (<see cref="DecodeLimits.MaxSamples"/>). Allocations are counted on the
/// loading thread (<see cref="GC.GetAllocatedBytesForCurrentThread"/>), since xunit runs other test classes in parallel
/// and a process-wide count would include theirs. Fixed seeds, a few seconds per format.
/// </summary>
public sealed class InputFilePropertyTests
{
    /// <summary>Seconds of sampling per format; <c>SWINBENCH_FUZZ_SECONDS</c> sets a longer run.</summary>
    private static readonly int Seconds =
        int.TryParse(Environment.GetEnvironmentVariable("SWINBENCH_FUZZ_SECONDS"), out int s) && s > 0 ? s : 8;

    /// <summary>A load that has not finished after this long counts as a hang (a watchdog, not a timing assertion).</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(120);

    /// <summary>A folder that keeps a copy of every file that fails the property (<c>SWINBENCH_FUZZ_KEEP</c>), or null.</summary>
    private static readonly string? KeepDir = Environment.GetEnvironmentVariable("SWINBENCH_FUZZ_KEEP");

    /// <summary>A header field of a valid file: where it is, how wide, and its byte order.</summary>
    private sealed record Field(string Name, int Offset, int Size, bool BigEndian);

    /// <summary>A valid file and the header fields worth editing.</summary>
    private sealed record Original(string Extension, byte[] Bytes, Field[] Fields);

    /// <summary>One edit of a file; <see cref="Apply"/> is deterministic, so a printed failing case is reproducible.</summary>
    private readonly record struct Edit(int Kind, int Where, long Value)
    {
        public override string ToString() => Kind switch
        {
            0 => $"set byte @{Where} = {Value & 0xFF}",
            1 => $"flip bit {Value & 7} @{Where}",
            2 => $"field #{Where} = {Value}",
            3 => $"truncate to {Where}",
            _ => $"insert {Value & 0xFF} x{1 + (Where & 15)} @{Where >> 4}",
        };
    }

    private static readonly long[] Interesting =
    [
        0, 1, 2, 3, 7, 8, 15, 16, 24, 32, 255, 256, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 1 << 20, 1 << 24,
        0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, -1, -2, -24, -0x8000,
    ];

    private static readonly Gen<Edit> GenEdit = Gen.Frequency(
        (4, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 255], (w, v) => new Edit(0, w, v))),
        (2, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 7], (w, v) => new Edit(1, w, v))),
        (6, Gen.Select(Gen.Int[0, int.MaxValue], Gen.OneOf(Gen.OneOf(Interesting), Gen.Long, Gen.Int[-64, 64].Select(d => (long)d + 1_000_000_000)), (w, v) => new Edit(2, w, v))),
        (1, Gen.Int[0, int.MaxValue].Select(w => new Edit(3, w, 0))),
        (1, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 255], (w, v) => new Edit(4, w, v))));

    /// <summary>Applies edits to a copy of the original; field values near 10^9 mean "original value plus (v - 10^9)".</summary>
    private static byte[] Apply(Original original, Edit[] edits)
    {
        var bytes = new List<byte>(original.Bytes);
        foreach (Edit e in edits)
        {
            if (bytes.Count == 0)
                break;
            switch (e.Kind)
            {
                case 0:
                    bytes[e.Where % bytes.Count] = (byte)e.Value;
                    break;
                case 1:
                    bytes[e.Where % bytes.Count] ^= (byte)(1 << (int)(e.Value & 7));
                    break;
                case 2 when original.Fields.Length > 0:
                    Field f = original.Fields[e.Where % original.Fields.Length];
                    if (f.Offset + f.Size > bytes.Count)
                        break;
                    long current = ReadField(bytes, f);
                    long value = e.Value is >= 1_000_000_000 - 64 and <= 1_000_000_000 + 64 ? current + (e.Value - 1_000_000_000) : e.Value;
                    WriteField(bytes, f, value);
                    break;
                case 3:
                    bytes.RemoveRange(e.Where % bytes.Count, bytes.Count - e.Where % bytes.Count);
                    break;
                case 4:
                    bytes.InsertRange((e.Where >> 4) % bytes.Count, Enumerable.Repeat((byte)e.Value, 1 + (e.Where & 15)));
                    break;
            }
        }
        return [.. bytes];
    }

    private static long ReadField(List<byte> bytes, Field f)
    {
        long v = 0;
        for (int i = 0; i < f.Size; i++)
            v |= (long)bytes[f.Offset + (f.BigEndian ? f.Size - 1 - i : i)] << (8 * i);
        return v;
    }

    private static void WriteField(List<byte> bytes, Field f, long value)
    {
        for (int i = 0; i < f.Size; i++)
            bytes[f.Offset + (f.BigEndian ? f.Size - 1 - i : i)] = (byte)(value >> (8 * i));
    }

    // ---------------------------------------------------------------- valid files and their fields

    private static byte[] Written(string extension, ImageData image, ImageWriteOptions? options = null)
    {
        using var dir = new TempDir();
        string path = dir.File("valid" + extension);
        ImageIO.Write(path, image, options);
        return File.ReadAllBytes(path);
    }

    private static Original Bmp(int channels, int height, int width, bool topDown)
    {
        byte[] samples = ImageIO.ToInterleavedBytes(SyntheticImage.Generate(channels, height, width, seed: height * 31 + width));
        byte[] bytes = TestBmp.Encode(samples, channels, height, width, topDown);
        Field[] fields =
        [
            new("file size", 2, 4, false), new("data offset", 10, 4, false), new("header size", 14, 4, false),
            new("width", 18, 4, false), new("height", 22, 4, false), new("planes", 26, 2, false),
            new("bits per pixel", 28, 2, false), new("compression", 30, 4, false), new("image size", 34, 4, false),
            new("colours used", 46, 4, false), new("width low half", 18, 2, false), new("height low half", 22, 2, false),
        ];
        return new Original(".bmp", bytes, fields);
    }

    private static Original Png(ImageData image)
    {
        byte[] bytes = Written(".png", image);
        var fields = new List<Field>
        {
            new("IHDR width", 16, 4, true), new("IHDR height", 20, 4, true), new("bit depth", 24, 1, true),
            new("colour type", 25, 1, true), new("compression", 26, 1, true), new("filter", 27, 1, true),
            new("interlace", 28, 1, true),
        };
        for (int at = 8; at + 8 <= bytes.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));
            string type = Encoding.ASCII.GetString(bytes, at + 4, 4);
            fields.Add(new($"{type} length", at, 4, true));
            if (type == "IDAT" && length >= 2)
                fields.Add(new("zlib header", at + 8, 2, true));
            at += 12 + length;
        }
        return new Original(".png", bytes, [.. fields]);
    }

    private static Original Jpeg(ImageData image, int quality)
    {
        byte[] bytes = Written(".jpg", image, new ImageWriteOptions(JpegQuality: quality));
        var fields = new List<Field>();
        for (int at = 2; at + 4 <= bytes.Length && bytes[at] == 0xFF;)
        {
            byte marker = bytes[at + 1];
            int length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at + 2));
            fields.Add(new($"FF{marker:X2} length", at + 2, 2, true));
            if (marker is 0xC0 or 0xC1 or 0xC2)
            {
                fields.Add(new("precision", at + 4, 1, true));
                fields.Add(new("height", at + 5, 2, true));
                fields.Add(new("width", at + 7, 2, true));
                fields.Add(new("components", at + 9, 1, true));
                for (int c = 0; c < bytes[at + 9] && at + 12 + 3 * c < bytes.Length; c++)
                {
                    fields.Add(new($"component {c} sampling", at + 11 + 3 * c, 1, true));
                    fields.Add(new($"component {c} table", at + 12 + 3 * c, 1, true));
                }
            }
            else if (marker is 0xC4 or 0xDB)
                fields.Add(new($"FF{marker:X2} table id", at + 4, 1, true));
            else if (marker == 0xDA)
            {
                fields.Add(new("scan components", at + 4, 1, true));
                fields.Add(new("scan tables", at + 6, 1, true));
                fields.Add(new("spectral end", at + 4 + 2 * bytes[at + 4] + 2, 1, true));
                break;
            }
            at += 2 + length;
        }
        return new Original(".jpg", bytes, [.. fields]);
    }

    private static Original Tiff(ImageData image, bool packBits)
    {
        byte[] bytes = Written(".tif", image, new ImageWriteOptions(TiffPackBits: packBits));
        bool big = bytes[0] == (byte)'M';
        uint ifd = big ? BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4)) : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
        var fields = new List<Field> { new("magic", 2, 2, big), new("IFD offset", 4, 4, big), new("entry count", (int)ifd, 2, big) };
        int count = big ? BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan((int)ifd)) : BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan((int)ifd));
        for (int i = 0; i < count; i++)
        {
            int entry = (int)ifd + 2 + 12 * i;
            int tag = big ? BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(entry)) : BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(entry));
            fields.Add(new($"tag {tag} id", entry, 2, big));
            fields.Add(new($"tag {tag} type", entry + 2, 2, big));
            fields.Add(new($"tag {tag} count", entry + 4, 4, big));
            fields.Add(new($"tag {tag} value", entry + 8, 4, big));
            fields.Add(new($"tag {tag} value low half", entry + 8, 2, big));
        }
        fields.Add(new("next IFD", (int)ifd + 2 + 12 * count, 4, big));
        return new Original(".tif", bytes, [.. fields]);
    }

    /// <summary>A .npy file whose header text is built from the given parts (v1.0 or v2.0 length field).</summary>
    private static byte[] NpyFile(string descr, string fortran, string shape, int dataBytes, int version)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}";
        int preamble = version == 1 ? 10 : 12;
        int padding = (64 - (preamble + dict.Length + 1) % 64) % 64;
        byte[] header = Encoding.Latin1.GetBytes(dict + new string(' ', padding) + "\n");
        var bytes = new byte[preamble + header.Length + dataBytes];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' }.CopyTo(bytes, 0);
        bytes[6] = (byte)version;
        if (version == 1)
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)header.Length);
        header.CopyTo(bytes, preamble);
        for (int i = preamble + header.Length; i < bytes.Length; i++)
            bytes[i] = (byte)(i * 7);
        return bytes;
    }

    private static readonly string[] Descrs = ["<f4", "<f8", "<f2", "|u1", ">f4", "<i4", "|b1", "<c8", "O", "", "<f4 ", "f4", "<f16", "'", "\u00e9"];
    private static readonly string[] Fortrans = ["False", "True", "0", "None", "'False'"];
    private static readonly string[] Dims = ["0", "1", "2", "3", "5", "7", "-1", "-7", "2147483647", "2147483648", "4294967296",
        "9223372036854775807", "9223372036854775808", "99999999999999999999", "3L", " 3 ", "+3", "1e3", "0x10", ""];

    /// <summary>A .npy shape from dims (as text, possibly malformed) and the closing variant.</summary>
    private static readonly Gen<string> GenShape = Gen.Select(Gen.OneOf(Dims).Array[0, 5], Gen.Int[0, 3], (dims, close) => close switch
    {
        0 => "(" + string.Join(", ", dims) + (dims.Length == 1 ? ",)" : ")"),
        1 => "(" + string.Join(",", dims) + ",)",
        2 => "[" + string.Join(", ", dims) + "]",
        _ => "(" + string.Join(", ", dims),
    });

    // ---------------------------------------------------------------- the property

    /// <summary>
    /// Loads <paramref name="bytes"/> as <paramref name="extension"/> through every loader on a watchdog thread and
    /// checks the outcome: a sane image or array, or an InputFileException naming the file in one line.
    /// </summary>
    private static void AssertLoadsCleanlyOrFailsCleanly(byte[] bytes, string extension, string kind, string dir, ImageData? expected)
    {
        string path = Path.Combine(dir, $"case-{Environment.CurrentManagedThreadId}{extension}");
        File.WriteAllBytes(path, bytes);
        long bound = 4L * 1024 * 1024 + 32 * DecodeLimits.MaxSamples(kind, bytes.Length) + 8L * bytes.Length;
        var loaders = Loaders(extension, expected);
        try
        {
            foreach (var (name, load) in loaders)
                AssertLoader(name, load, path, bytes.Length, kind, bound);
        }
        catch (Exception) when (KeepDir is not null)
        {
            Directory.CreateDirectory(KeepDir);
            File.Copy(path, Path.Combine(KeepDir, $"{kind}-{Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(bytes))[..12]}{extension}"), overwrite: true);
            throw;
        }
    }

    /// <summary>
    /// The loaders a file of <paramref name="extension"/> goes through: each loads (the part whose allocations are
    /// counted) and returns a check of what it loaded, run after the count.
    /// </summary>
    private static List<(string Name, Func<string, Action> Load)> Loaders(string extension, ImageData? expected)
    {
        var loaders = new List<(string Name, Func<string, Action> Load)>
        {
            ("ImageIO.Read", p => { ImageData image = ImageIO.Read(p); return () => CheckImage(image, extension, expected); }),
            ("ArrayFiles.ReadNchw", p => { using var t = ArrayFiles.ReadNchw(p); long rank = t.shape.Length; return () => Assert.Equal(4, rank); }),
        };
        if (extension == ".npy")
            loaders.Add(("Npy.Read", p => { NpyArray array = Npy.Read(p); return () => CheckArray(array); }));
        return loaders;
    }

    private static void AssertLoader(string name, Func<string, Action> load, string path, int length, string kind, long bound)
    {
        var task = Task.Factory.StartNew(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Exception? error = null;
            Action? check = null;
            try { check = load(path); }
            catch (Exception e) { error = e; }
            return (Allocated: GC.GetAllocatedBytesForCurrentThread() - before, Error: error, Check: check);
        }, TaskCreationOptions.LongRunning);
        if (!task.Wait(HangLimit))
            Assert.Fail($"{name} did not finish within {HangLimit.TotalSeconds} s (a hang) on a {length}-byte {kind} file");
        var (allocated, error, check) = task.Result;
        switch (error)
        {
            case null:
                check!();
                break;
            case InputFileException e:
                Assert.Equal(path, e.FilePath);
                Assert.StartsWith(path + ": ", e.Message);
                Assert.DoesNotContain('\n', e.Message);
                Assert.NotEqual("", e.Problem);
                break;
            default:
                Assert.Fail($"{name} threw {error.GetType().Name} instead of InputFileException: {error.Message}\n{error.StackTrace}");
                break;
        }
        Assert.True(allocated <= bound,
            $"{name} allocated {allocated} bytes for a {length}-byte {kind} file (bound {bound})");
    }

    private static void CheckImage(ImageData image, string extension, ImageData? expected)
    {
        Assert.InRange(image.Channels, 1, 4);
        Assert.Equal((long)image.Channels * image.Height * image.Width, image.Pixels.LongLength);
        if (extension != ".npy")
            foreach (float v in image.Pixels)
                if (!(v is >= 0f and <= 1f))
                    Assert.Fail($"a sample {v} outside [0, 1] in a {image.Channels}x{image.Height}x{image.Width} image");
        if (expected is not null)
            Assert.Equal(expected, image);
    }

    private static void CheckArray(NpyArray array) =>
        Assert.Equal(NpyArray.ElementCount(array.Shape), array.Data.LongLength);

    private static void Run(string kind, string seed, Original[] originals, Gen<(Original, byte[], string)>? extra = null)
    {
        using var dir = new TempDir();
        // what each original loads as (an .npy array that is no image has none)
        var expected = originals.Select(o =>
        {
            string path = Path.Combine(dir.Path, "original" + o.Extension);
            File.WriteAllBytes(path, o.Bytes);
            try { return ImageIO.Read(path); }
            catch (InputFileException) when (o.Extension == ".npy") { return null; }
        }).ToArray();

        // once untracked, so that one-time work (TorchSharp's native libraries, type loading) is not counted per case
        foreach (Original o in originals)
            foreach (var (_, load) in Loaders(o.Extension, null))
                try { load(Path.Combine(dir.Path, "original" + o.Extension)); }
                catch (InputFileException) when (o.Extension == ".npy") { }

        Gen<(Original, byte[], string)> mutated =
            Gen.Select(Gen.Int[0, originals.Length - 1], GenEdit.Array[0, 6], (i, edits) =>
                (originals[i], Apply(originals[i], edits), $"original #{i}, edits: {string.Join("; ", edits)}"));
        Gen<(Original, byte[], string)> gen = extra is null ? mutated : Gen.Frequency((3, mutated), (2, extra));

        gen.Sample(c =>
        {
            var (original, bytes, what) = c;
            int index = Array.IndexOf(originals, original);
            ImageData? same = index >= 0 && bytes.AsSpan().SequenceEqual(original.Bytes) ? expected[index] : null;
            AssertLoadsCleanlyOrFailsCleanly(bytes, original.Extension, kind, dir.Path, same);
        }, seed: seed, time: Seconds, threads: 1, print: c => $"{c.Item3} ({c.Item2.Length} bytes)");
    }

    private static ImageData Image(int channels, int height, int width) =>
        SyntheticImage.Generate(channels, height, width, seed: channels * 1000 + height * 37 + width);

    [Fact]
    public void DamagedBmp_LoadsOrFailsCleanly() =>
        Run("BMP", "1xn1HwIbwfUS",
        [
            Bmp(3, 6, 9, topDown: false), Bmp(3, 7, 5, topDown: true), Bmp(1, 5, 7, topDown: false), Bmp(1, 4, 3, topDown: true),
            new Original(".bmp", Written(".bmp", Image(3, 5, 6)), Bmp(3, 5, 6, false).Fields),
        ]);

    [Fact]
    public void DamagedPng_LoadsOrFailsCleanly() =>
        Run("PNG", "2yo2IxJcxgVT", [Png(Image(3, 7, 9)), Png(Image(1, 6, 11)), Png(Image(3, 16, 3))]);

    [Fact]
    public void DamagedJpeg_LoadsOrFailsCleanly() =>
        Run("JPEG", "3zp3JyKdyhWU", [Jpeg(Image(3, 9, 13), 90), Jpeg(Image(3, 17, 8), 40), Jpeg(Image(1, 8, 8), 95)]);

    [Fact]
    public void DamagedTiff_LoadsOrFailsCleanly() =>
        Run("TIFF", "4Aq4KzLeziXV", [Tiff(Image(3, 7, 9), packBits: true), Tiff(Image(1, 9, 6), packBits: false), Tiff(Image(3, 5, 4), packBits: false)]);

    [Fact]
    public void DamagedNpy_LoadsOrFailsCleanly()
    {
        Original[] originals =
        [
            new(".npy", NpyFile("<f4", "False", "(1, 3, 4, 5)", 4 * 60, 1), [new("header length", 8, 2, false), new("version", 6, 1, false)]),
            new(".npy", NpyFile("<f8", "False", "(2, 3, 4)", 8 * 24, 2), [new("header length", 8, 4, false), new("version", 6, 1, false)]),
            new(".npy", NpyFile("|u1", "False", "(3, 5, 2)", 30, 1), [new("header length", 8, 2, false)]),
        ];
        // header edits: a new dtype, order or shape over data of a random length
        Gen<(Original, byte[], string)> headers = Gen.Select(Gen.OneOf(Descrs), Gen.OneOf(Fortrans), GenShape,
            Gen.Int[0, 300], Gen.Int[1, 3], (descr, fortran, shape, data, version) =>
                (originals[0], NpyFile(descr, fortran, shape, data, version),
                 $"header descr={descr} fortran_order={fortran} shape={shape}, {data} data bytes, v{version}"));
        Run("NPY", "5Br5LAMfAjYW", originals, headers);
    }
}
