using System.IO.Compression;
using System.Numerics;
using System.Text.Json;
using CsCheck;
using SwinBench.Checkpoints;
using Xunit;

namespace SwinBench.Tests.Checkpoints;

/// <summary>
/// Property tests: random byte mutations and field edits of valid <c>.pth</c> and <c>.safetensors</c> files must either
/// load correctly or fail with a one-line <see cref="CheckpointException"/> naming the file — never another exception
/// type, and never allocate more than a fixed bound. Each property draws a fixed number of cases from a fixed seed in
/// one CsCheck sample, so every run checks the same files.
/// </summary>
public sealed class CheckpointPropertyTests : IDisposable
{
    private const long AllocationBound = 64L << 20;
    private const long MaterializeLimit = 16L << 20;

    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    // ---- shared checks ----

    /// <summary>
    /// Loads <paramref name="path"/>; returns null when it is refused with a one-line <see cref="CheckpointException"/> that
    /// names the file. Any other exception fails the case, and so does allocating more than the bound.
    /// </summary>
    private static StateDict? LoadOrRefuse(string path)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        StateDict? loaded;
        try
        {
            loaded = Checkpoint.Load(path);
            foreach (var tensor in loaded.Tensors)
            {
                BigInteger bytes = (BigInteger)tensor.ElementCount * tensor.DType.ElementSize();
                if (bytes <= MaterializeLimit) Assert.Equal((long)bytes, tensor.Data.LongLength);
            }
        }
        catch (CheckpointException ex)
        {
            Assert.DoesNotContain('\n', ex.Message);
            Assert.Contains(path, ex.Message);
            loaded = null;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationBound, $"loading allocated {allocated} bytes");
        return loaded;
    }

    /// <summary>One byte edit: set the byte, flip one bit, cut the file there, insert a byte or delete one.</summary>
    private sealed record ByteEdit(int Position, byte Value, int Kind)
    {
        public void ApplyTo(ref byte[] bytes)
        {
            if (Position >= bytes.Length) return;
            switch (Kind)
            {
                case 0: bytes[Position] = Value; break;
                case 1: bytes[Position] ^= (byte)(1 << (Value & 7)); break;
                case 2: bytes = bytes[..Position]; break;
                case 3: bytes = [.. bytes.AsSpan(0, Position), Value, .. bytes.AsSpan(Position)]; break;
                default: bytes = [.. bytes.AsSpan(0, Position), .. bytes.AsSpan(Position + 1)]; break;
            }
        }

        public override string ToString() =>
            Kind switch { 0 => $"set@{Position}={Value}", 1 => $"flip@{Position}", 2 => $"cut@{Position}", 3 => $"insert@{Position}={Value}", _ => $"delete@{Position}" };
    }

    /// <summary>
    /// Edits at positions drawn from the weighted regions; cuts are rarer than byte changes, and inserts and deletes
    /// (which shift everything after them) happen only when <paramref name="shifts"/> is set.
    /// </summary>
    private static Gen<ByteEdit[]> ByteEdits(bool shifts, params (int Weight, int Start, int End)[] regions) =>
        Gen.Select(
            Gen.Frequency(regions.Select(r => (r.Weight, (IGen<int>)Gen.Int[r.Start, r.End - 1])).ToArray()),
            Gen.Byte,
            shifts
                ? Gen.Frequency((5, Gen.Const(0)), (5, Gen.Const(1)), (1, Gen.Const(2)), (2, Gen.Const(3)), (2, Gen.Const(4)))
                : Gen.Frequency((5, Gen.Const(0)), (5, Gen.Const(1)), (1, Gen.Const(2))),
            (position, value, kind) => new ByteEdit(position, value, kind))
        .Array[1, 4];

    /// <summary>
    /// Checks <paramref name="count"/> cases drawn in one sample from <paramref name="seed"/> (CsCheck re-seeds every
    /// further iteration at random, so a single iteration over an array of cases is what keeps runs reproducible).
    /// A failure names the case by index and <paramref name="describe"/>.
    /// </summary>
    private static void SampleCases<T>(Gen<T> gen, int count, string seed, Func<T, string> describe, Action<T> check) =>
        gen.Array[count].Sample(cases =>
        {
            for (int i = 0; i < cases.Length; i++)
            {
                try
                {
                    check(cases[i]);
                }
                catch (Exception ex)
                {
                    throw new InvalidOperationException($"case {i} of seed {seed} ({describe(cases[i])}): {ex.GetType().Name}: {ex.Message}", ex);
                }
            }
        }, seed: seed, iter: 1, threads: 1, print: cases => $"{cases.Length} cases");

    // ---- .pth ----

    [Fact]
    public void MutatedGoldenPth_LoadsOrFailsCleanly()
    {
        byte[] original = File.ReadAllBytes(GoldenFixtures.PathOf("tiny_lightweight_x2.pth"));
        var (pickleStart, pickleEnd) = EntryRange(original, "data.pkl");
        int tail = Math.Max(0, original.Length - 16_384);  // central directory and the last local headers
        var edits = ByteEdits(false, (6, pickleStart, pickleEnd), (3, tail, original.Length), (1, 0, original.Length));
        string path = _temp.File("mutated.pth");

        SampleCases(edits, 250, "0000001diBm1", Describe, caseEdits =>
        {
            byte[] bytes = original.ToArray();
            foreach (var edit in caseEdits) edit.ApplyTo(ref bytes);
            File.WriteAllBytes(path, bytes);
            LoadOrRefuse(path);
        });
    }

    private static string Describe(ByteEdit[] edits) => string.Join(", ", edits.Select(e => e.ToString()));

    [Fact]
    public void MutatedGoldenPickle_LoadsOrFailsCleanly()
    {
        // The pickle is mutated and the archive rewritten, so every case reaches the unpickler (no zip-level rejection).
        var entries = ReadEntries(GoldenFixtures.PathOf("tiny_lightweight_x2.pth"));
        string pickleName = entries.Keys.Single(name => name.EndsWith("/data.pkl", StringComparison.Ordinal));
        byte[] original = entries[pickleName];
        string path = _temp.File("pickle.pth");

        SampleCases(ByteEdits(true, (1, 0, original.Length)), 300, "000000000cc2", Describe, caseEdits =>
        {
            byte[] pickle = original.ToArray();
            foreach (var edit in caseEdits) edit.ApplyTo(ref pickle);
            WriteEntries(path, entries, pickleName, pickle);
            LoadOrRefuse(path);
        });
    }

    private static Dictionary<string, byte[]> ReadEntries(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            var bytes = new byte[e.Length];
            using var stream = e.Open();
            stream.ReadExactly(bytes);
            return bytes;
        });
    }

    /// <summary>Writes the entries (stored, in their order) with <paramref name="name"/>'s content replaced.</summary>
    private static void WriteEntries(string path, Dictionary<string, byte[]> entries, string name, byte[] content)
    {
        using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        foreach (var (entryName, bytes) in entries)
        {
            using var stream = zip.CreateEntry(entryName, CompressionLevel.NoCompression).Open();
            stream.Write(entryName == name ? content : bytes);
        }
    }

    /// <summary>Where the stored bytes of the entry whose name ends with <paramref name="suffix"/> lie in the zip file.</summary>
    private static (int Start, int End) EntryRange(byte[] zipBytes, string suffix)
    {
        using var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
        var entry = zip.Entries.First(e => e.FullName.EndsWith(suffix, StringComparison.Ordinal));
        var content = new byte[entry.Length];
        using (var stream = entry.Open()) stream.ReadExactly(content);
        int start = zipBytes.AsSpan().IndexOf(content);
        Assert.True(start >= 0, $"entry {entry.FullName} is not stored uncompressed");
        return (start, start + content.Length);
    }

    /// <summary>A view of a storage with sizes, strides and offsets from small to beyond 64 bits' reach.</summary>
    private sealed record ViewCase(string StorageType, int ElementSize, int StorageElements, int ExtraBytes, long DeclaredNumel,
        long Offset, long[] Shape, long[] Stride)
    {
        public override string ToString() =>
            $"{StorageType} storage {StorageElements}+{ExtraBytes}B numel {DeclaredNumel} offset {Offset} " +
            $"shape {CheckpointTensor.FormatShape(Shape)} stride {CheckpointTensor.FormatShape(Stride)}";
    }

    private static readonly Gen<long> SmallOrWild = Gen.Frequency(
        (12, Gen.Long[0, 4]),
        (1, Gen.Long[-3, -1]),
        (1, Gen.Long[1L << 31, 1L << 34]),
        (1, Gen.Long[1L << 40, long.MaxValue]));

    private static readonly Gen<ViewCase> ViewCases =
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, 10], Gen.Int[0, 3]).SelectMany(t =>
        {
            var (type, elements, extra) = t;
            (string name, int size) = new[] { ("FloatStorage", 4), ("DoubleStorage", 8), ("HalfStorage", 2), ("LongStorage", 8), ("ByteStorage", 1) }[type];
            return Gen.Select(
                Gen.Frequency((4, Gen.Const((long)elements)), (1, SmallOrWild)),
                Gen.Frequency((3, Gen.Long[0, 3]), (1, SmallOrWild)),
                Gen.Int[0, 3].SelectMany(rank => Gen.Select(
                    SmallOrWild.Array[rank],
                    Gen.Frequency((3, Gen.Long[0, 3]), (1, SmallOrWild)).Array[Gen.Frequency((12, Gen.Const(rank)), (1, Gen.Int[0, 3]))])),
                (numel, offset, shapeStride) => new ViewCase(name, size, elements, extra, numel, offset, shapeStride.Item1, shapeStride.Item2));
        });

    [Fact]
    public void EditedPthViews_MatchAnIndependentOracle()
    {
        string path = _temp.File("view.pth");
        SampleCases(ViewCases, 400, "000000000iS1", c => c.ToString(), c =>
        {
            byte[] storage = Enumerable.Range(0, c.StorageElements * c.ElementSize + c.ExtraBytes).Select(b => (byte)(b * 37 + 11)).ToArray();
            byte[] pickle = new PickleBuilder().Proto(2).EmptyDict().Unicode("w")
                .RebuildTensor(c.StorageType, "0", c.DeclaredNumel, c.Offset, c.Shape, c.Stride)
                .SetItem().Stop().ToArray();
            TorchZipWriter.Write(path, pickle, new Dictionary<string, byte[]> { ["0"] = storage });

            var loaded = LoadOrRefuse(path);
            var expected = ExpectedView(c, storage);
            if (expected is null)
            {
                Assert.True(loaded is null, $"{c}: loaded, but the view is invalid");
                return;
            }
            Assert.True(loaded is not null, $"{c}: refused, but the view is valid");
            var tensor = loaded["w"];
            Assert.Equal(c.Shape, tensor.Shape);
            if (expected.Value.Bytes is { } bytes)
                Assert.Equal(bytes, tensor.Data);
            else if (expected.Value.Count * c.ElementSize > Array.MaxLength)
                Assert.Throws<CheckpointException>(() => tensor.Data);
        });
    }

    /// <summary>
    /// What torch would accept, computed independently of the reader: null for an invalid view; else the element count
    /// and, when small, the gathered bytes.
    /// </summary>
    private static (BigInteger Count, byte[]? Bytes)? ExpectedView(ViewCase c, byte[] storage)
    {
        long storageElements = storage.Length / c.ElementSize;
        if (c.DeclaredNumel < 0 || c.DeclaredNumel > storageElements) return null;
        if (c.Shape.Length != c.Stride.Length) return null;
        if (c.Offset < 0 || c.Shape.Any(d => d < 0) || c.Stride.Any(s => s < 0)) return null;
        if (c.Shape.Any(d => d == 0)) return (0, []);

        BigInteger count = c.Shape.Aggregate(BigInteger.One, (a, d) => a * d);
        BigInteger last = c.Offset + c.Shape.Zip(c.Stride).Aggregate(BigInteger.Zero, (a, ds) => a + (ds.First - 1) * (BigInteger)ds.Second);
        if (count > long.MaxValue || last > long.MaxValue || last >= storageElements) return null;
        if (count * c.ElementSize > MaterializeLimit) return (count, null);

        var bytes = new List<byte>();
        var index = new long[c.Shape.Length];
        for (long n = 0; n < (long)count; n++)
        {
            long element = c.Offset + index.Zip(c.Stride).Sum(x => x.First * x.Second);
            bytes.AddRange(storage.AsSpan((int)element * c.ElementSize, c.ElementSize).ToArray());
            for (int d = index.Length - 1; d >= 0 && ++index[d] == c.Shape[d]; d--) index[d] = 0;
        }
        return (count, bytes.ToArray());
    }

    // ---- .safetensors ----

    private static readonly string[] DTypes = SafetensorsFile.ElementSizes.Keys.ToArray();

    /// <summary>1–5 tensors with known dtypes and small shapes, laid out back to back in header order.</summary>
    private static readonly Gen<SafetensorsEntry[]> ValidEntries =
        Gen.Select(Gen.Int[0, DTypes.Length - 1], Gen.Long[0, 4].Array[0, 3]).Array[1, 5].Select(tensors =>
        {
            long offset = 0;
            return tensors.Select((t, i) =>
            {
                string dtype = DTypes[t.Item1];
                long bytes = t.Item2.Aggregate(1L, (a, d) => a * d) * SafetensorsFile.ElementSizes[dtype];
                var entry = new SafetensorsEntry($"t{i}", dtype, t.Item2, offset, offset + bytes);
                offset += bytes;
                return entry;
            }).ToArray();
        });

    private static byte[] FileOf(SafetensorsEntry[] entries) =>
        SafetensorsFile.Bytes(SafetensorsFile.Header(entries), PatternData(entries[^1].End));

    private static byte[] PatternData(long length) => Enumerable.Range(0, (int)length).Select(b => (byte)(b * 29 + 5)).ToArray();

    [Fact]
    public void MutatedSafetensors_LoadTheDeclaredBytesOrFailCleanly()
    {
        string path = _temp.File("mutated.safetensors");
        var cases = ValidEntries.SelectMany(entries =>
        {
            byte[] file = FileOf(entries);
            int headerEnd = 8 + (int)BitConverter.ToUInt64(file, 0);
            return ByteEdits(true, (1, 0, 8), (8, 8, headerEnd), (1, 0, file.Length)).Select(edits => (entries, edits));
        });

        SampleCases(cases, 400, "000000000-61", c => $"{SafetensorsFile.Header(c.entries)} with {Describe(c.edits)}", c =>
        {
            byte[] bytes = FileOf(c.entries);
            foreach (var edit in c.edits) edit.ApplyTo(ref bytes);
            File.WriteAllBytes(path, bytes);

            var loaded = LoadOrRefuse(path);
            if (loaded is not null) AssertDeclaredBytesTileTheBuffer(bytes, loaded);
        });
    }

    /// <summary>
    /// Re-reads the header independently: every loaded tensor holds exactly the bytes of its declared range, and the
    /// ranges of all tensors tile the data buffer.
    /// </summary>
    private static void AssertDeclaredBytesTileTheBuffer(byte[] file, StateDict loaded)
    {
        int dataStart = 8 + (int)BitConverter.ToUInt64(file, 0);
        using var header = JsonDocument.Parse(file.AsMemory(8, dataStart - 8));
        var ranges = new List<(long Begin, long End)>();
        foreach (var property in header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__"))
        {
            long begin = property.Value.GetProperty("data_offsets")[0].GetInt64();
            long end = property.Value.GetProperty("data_offsets")[1].GetInt64();
            Assert.Equal(file.AsSpan(dataStart + (int)begin, (int)(end - begin)).ToArray(), loaded[property.Name].Data);
            ranges.Add((begin, end));
        }
        Assert.Equal(ranges.Count, loaded.Count);
        long next = 0;
        foreach (var (begin, end) in ranges.OrderBy(r => r.Begin).ThenBy(r => r.End))
        {
            Assert.Equal(next, begin);
            next = end;
        }
        Assert.Equal(file.Length - dataStart, next);
    }

    /// <summary>One edit of a header field.</summary>
    private sealed record HeaderEdit(int Kind, int Tensor, int Other, long Value)
    {
        public SafetensorsEntry[] ApplyTo(SafetensorsEntry[] entries)
        {
            var result = entries.ToArray();
            int t = Tensor % result.Length, o = Other % result.Length;
            var e = result[t];
            switch (Kind)
            {
                case 0: result[t] = e with { Begin = e.Begin + Value }; break;
                case 1: result[t] = e with { End = e.End + Value }; break;
                case 2: result[t] = e with { Begin = e.Begin + Value, End = e.End + Value }; break;
                case 3 when e.Shape.Length > 0:
                    var shape = e.Shape.ToArray();
                    shape[(int)(Math.Abs(Value) % shape.Length)] = Value;
                    result[t] = e with { Shape = shape };
                    break;
                case 4: result[t] = e with { DType = DTypes[(int)(Math.Abs(Value) % DTypes.Length)] }; break;
                case 5: (result[t], result[o]) = (e with { Begin = result[o].Begin, End = result[o].End }, result[o] with { Begin = e.Begin, End = e.End }); break;
                case 6: result = result.Where((_, i) => i != t).ToArray(); break;
                default: result = result.Skip(t).Concat(result.Take(t)).ToArray(); break;  // header order only
            }
            return result;
        }

        public override string ToString() => $"kind {Kind} tensor {Tensor} other {Other} value {Value}";
    }

    private static readonly Gen<HeaderEdit> HeaderEdits = Gen.Select(Gen.Int[0, 7], Gen.Int[0, 4], Gen.Int[0, 4],
        Gen.Frequency((6, Gen.Long[-8, 8]), (1, Gen.Long[long.MinValue / 2, long.MaxValue / 2])))
        .Select(t => new HeaderEdit(t.Item1, t.Item2, t.Item3, t.Item4));

    [Fact]
    public void EditedSafetensorsHeaders_LoadExactlyWhenTheSpecAllowsThem()
    {
        string path = _temp.File("edited.safetensors");
        SampleCases(Gen.Select(ValidEntries, HeaderEdits), 400, "000000000cc1",
            c => $"{SafetensorsFile.Header(c.Item1)} with {c.Item2}", c =>
        {
            var (entries, edit) = c;
            byte[] data = PatternData(entries[^1].End);
            var edited = edit.ApplyTo(entries);
            byte[] file = SafetensorsFile.Bytes(SafetensorsFile.Header(edited), data);
            File.WriteAllBytes(path, file);

            var loaded = LoadOrRefuse(path);
            bool valid = SpecAllows(edited, data.Length);
            Assert.True(valid == loaded is not null, $"{edit}: the spec {(valid ? "allows" : "refuses")} the header but the reader did the opposite");
            if (loaded is not null)
            {
                Assert.Equal(edited.Select(e => e.Name), loaded.Keys);
                AssertDeclaredBytesTileTheBuffer(file, loaded);
            }
        });
    }

    /// <summary>The format's rules, written out independently of the reader.</summary>
    private static bool SpecAllows(SafetensorsEntry[] entries, long dataLength)
    {
        foreach (var e in entries)
        {
            if (!SafetensorsFile.ElementSizes.TryGetValue(e.DType, out int size)) return false;
            if (e.Shape.Any(d => d < 0) || e.Begin < 0 || e.End < e.Begin || e.End > dataLength) return false;
            if (e.Shape.Aggregate(BigInteger.One, (a, d) => a * d) * size != e.End - e.Begin) return false;
        }
        long next = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin != next) return false;
            next = e.End;
        }
        return next == dataLength;
    }
}
