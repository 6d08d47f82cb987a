using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using SwinBench.IO;
using Xunit;

namespace SwinBench.Tests.IO;

public class NpyTests
{
    [Theory]
    [InlineData(new long[] { 1, 3, 5, 7 })]
    [InlineData(new long[] { 4 })]
    [InlineData(new long[] { })]
    [InlineData(new long[] { 2, 0, 3 })]
    [InlineData(new long[] { 2, 3, 4, 5, 6 })]
    public void WriteThenRead_GivesTheSameShapeAndValues(long[] shape)
    {
        using var dir = new TempDir();
        var data = new float[NpyArray.ElementCount(shape)];
        for (int i = 0; i < data.Length; i++)
            data[i] = (i * 0.37f) - 3f;
        var array = new NpyArray(shape, data);

        string path = dir.File("a.npy");
        Npy.Write(path, array);
        NpyArray back = Npy.Read(path);

        Assert.Equal(shape, back.Shape);
        Assert.Equal(data, back.Data);
        Assert.Equal(array, back);
    }

    [Fact]
    public void WriteThenRead_KeepsSpecialFloatsBitExact()
    {
        using var dir = new TempDir();
        float[] data = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, float.Epsilon, float.MaxValue, 1e-40f, 0.1f];
        string path = dir.File("special.npy");
        Npy.Write(path, new NpyArray([data.Length], data));

        float[] back = Npy.Read(path).Data;
        Assert.Equal(data.Select(BitConverter.SingleToInt32Bits), back.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Write_ProducesVersion1Float32HeaderAlignedTo64Bytes()
    {
        using var dir = new TempDir();
        string path = dir.File("h.npy");
        Npy.Write(path, new NpyArray([2, 3], new float[6]));

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        int dataStart = 10 + headerLength;
        Assert.Equal(0, dataStart % 64);
        Assert.Equal(dataStart + 6 * 4, bytes.Length);
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.Equal('\n', header[^1]);
        Assert.Equal("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header.TrimEnd());
    }

    [Fact]
    public void Write_UsesPythonTupleSyntaxForOneDimension()
    {
        using var dir = new TempDir();
        string path = dir.File("v.npy");
        Npy.Write(path, new NpyArray([5], new float[5]));
        Assert.Contains("'shape': (5,)", Encoding.ASCII.GetString(File.ReadAllBytes(path)));
    }

    [Fact]
    public void Write_ReplacesAnExistingFileAndLeavesNoTemporaryFiles()
    {
        using var dir = new TempDir();
        string path = dir.File("x.npy");
        File.WriteAllText(path, "old content");
        Npy.Write(path, new NpyArray([3], [1f, 2f, 3f]));

        Assert.Equal([1f, 2f, 3f], Npy.Read(path).Data);
        Assert.Equal(["x.npy"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void AtomicWrite_ThatFailsHalfway_KeepsTheOldFileAndRemovesItsTemporary()
    {
        using var dir = new TempDir();
        string path = dir.File("keep.bin");
        File.WriteAllText(path, "original");

        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            throw new InvalidOperationException("disk full, say");
        }));

        Assert.Equal("disk full, say", error.Message);
        Assert.Equal("original", File.ReadAllText(path));
        Assert.Equal(["keep.bin"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Read_GoldenFixturesWrittenByNumPy_HaveTheShapesOfIndexJson()
    {
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestData.GoldenDir, "index.json")));
        int checkedFiles = 0;
        foreach (JsonProperty model in index.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object))
        {
            int inChans = model.Value.GetProperty("config").GetProperty("in_chans").GetInt32();
            foreach (JsonElement testCase in model.Value.GetProperty("cases").EnumerateArray())
            {
                long h = testCase.GetProperty("H").GetInt64(), w = testCase.GetProperty("W").GetInt64();
                NpyArray input = Npy.Read(Path.Combine(TestData.GoldenDir, testCase.GetProperty("input").GetString()!));
                Assert.Equal(new long[] { 1, inChans, h, w }, input.Shape);
                Assert.All(input.Data, v => Assert.InRange(v, 0f, 0.99999994f)); // uniform in [0, 1)
                Assert.True(input.Data.Distinct().Count() > input.Data.Length / 2, "inputs should be random, not constant");

                long[] outShape = testCase.GetProperty("out_shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                NpyArray output = Npy.Read(Path.Combine(TestData.GoldenDir, testCase.GetProperty("output").GetString()!));
                Assert.Equal(outShape, output.Shape);
                Assert.All(output.Data, v => Assert.True(float.IsFinite(v)));
                checkedFiles += 2;
            }
        }
        Assert.True(checkedFiles >= 16, $"expected at least 16 golden .npy files, checked {checkedFiles}");
    }

    [Fact]
    public void Read_TinyLightweightInput_IsOneByThreeBy13By19()
    {
        NpyArray input = Npy.Read(Path.Combine(TestData.GoldenDir, "tiny_lightweight_x2_13x19_in.npy"));
        Assert.Equal(new long[] { 1, 3, 13, 19 }, input.Shape);
        Assert.Equal(3 * 13 * 19, input.Data.Length);
    }

    [Fact]
    public void Read_Float64_IsConvertedToFloat32()
    {
        using var dir = new TempDir();
        double[] values = [0.5, -1.25, 1e10, 1.0 / 3.0];
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * i), values[i]);
        string path = dir.File("f8.npy");
        File.WriteAllBytes(path, NpyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", data));

        NpyArray array = Npy.Read(path);
        Assert.Equal(new long[] { 2, 2 }, array.Shape);
        Assert.Equal(values.Select(v => (float)v), array.Data);
    }

    [Fact]
    public void Read_Float16_IsConvertedToFloat32()
    {
        using var dir = new TempDir();
        Half[] values = [(Half)0.5f, (Half)(-2f), (Half)0.333f, Half.MaxValue];
        var data = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(2 * i), values[i]);
        string path = dir.File("f2.npy");
        File.WriteAllBytes(path, NpyFile(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (4,), }", data));

        Assert.Equal(new[] { 0.5f, -2f, (float)(Half)0.333f, 65504f }, Npy.Read(path).Data);
    }

    [Fact]
    public void Read_UInt8_KeepsByteValues()
    {
        using var dir = new TempDir();
        string path = dir.File("u1.npy");
        File.WriteAllBytes(path, NpyFile(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 3), }", [0, 128, 255]));
        var array = Npy.Read(path);
        Assert.Equal([0f, 128f, 255f], array.Data);
        Assert.Equal("uint8", array.Dtype);
    }

    [Fact]
    public void ReadSamples_ScalesIntegerDtypesToTheUnitRange_AndKeepsFloats()
    {
        using var dir = new TempDir();
        string u1 = dir.File("u1.npy");
        File.WriteAllBytes(u1, NpyFile(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", [0, 51, 255]));
        string u2 = dir.File("u2.npy");
        File.WriteAllBytes(u2, NpyFile(1, "{'descr': '<u2', 'fortran_order': False, 'shape': (3,), }", [0, 0, 0x01, 0x01, 0xff, 0xff]));
        string f4 = dir.File("f4.npy");
        Npy.Write(f4, new NpyArray([2], [-0.5f, 3f]));

        Assert.Equal([0f, 51 / 255f, 1f], Npy.ReadSamples(u1).Data);
        Assert.Equal([0f, 257f], Npy.Read(u2).Data[..2]);
        Assert.Equal([0f, 257 / 65535f, 1f], Npy.ReadSamples(u2).Data);
        Assert.Equal([-0.5f, 3f], Npy.ReadSamples(f4).Data);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Read_Versions2And3_WithFourByteHeaderLength(int major)
    {
        using var dir = new TempDir();
        var data = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(data, 1.5f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), -7f);
        string path = dir.File($"v{major}.npy");
        File.WriteAllBytes(path, NpyFile(major, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data));

        NpyArray array = Npy.Read(path);
        Assert.Equal(new long[] { 2 }, array.Shape);
        Assert.Equal([1.5f, -7f], array.Data);
    }

    [Fact]
    public void Read_HeaderWithOldStyleLongsAndKeysInAnotherOrder()
    {
        using var dir = new TempDir();
        string path = dir.File("py2.npy");
        File.WriteAllBytes(path, NpyFile(1, "{'shape': (1L, 2L), 'fortran_order': False, 'descr': '<f4'}", new byte[8]));
        Assert.Equal(new long[] { 1, 2 }, Npy.Read(path).Shape);
    }

    [Fact]
    public void Read_MissingFile_NamesTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "swinbench-no-such-file.npy");
        var e = Assert.Throws<InputFileException>(() => Npy.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void Read_EmptyFile_SaysEmpty()
    {
        using var dir = new TempDir();
        string path = dir.File("empty.npy");
        File.WriteAllBytes(path, []);
        AssertFails(path, "empty file");
    }

    [Fact]
    public void Read_BadMagic_SaysNotANpyFile()
    {
        using var dir = new TempDir();
        string path = dir.File("text.npy");
        File.WriteAllText(path, "this is not numpy data at all");
        AssertFails(path, "bad magic");
    }

    private const string IntegerScales = ": integer samples need a known scale; save uint8 (0..255), uint16 (0..65535) or float32 in [0, 1]";

    [Theory]
    [InlineData("<i8", IntegerScales)]
    [InlineData("<i2", IntegerScales)]
    [InlineData("|i1", IntegerScales)]
    [InlineData("<u4", IntegerScales)]
    [InlineData("|b1", IntegerScales)]
    [InlineData(">f4", " (supported: <f4, <f8, <f2, |u1, <u2)")]
    [InlineData("<c8", " (supported: <f4, <f8, <f2, |u1, <u2)")]
    public void Read_UnsupportedDtype_NamesIt(string dtype, string why)
    {
        using var dir = new TempDir();
        string path = dir.File("dtype.npy");
        File.WriteAllBytes(path, NpyFile(1, $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': (2,), }}", new byte[16]));
        AssertFails(path, $"unsupported dtype '{dtype}'{why}");
    }

    [Fact]
    public void Read_FortranOrder_IsRejected()
    {
        using var dir = new TempDir();
        string path = dir.File("fortran.npy");
        File.WriteAllBytes(path, NpyFile(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]));
        AssertFails(path, "fortran_order");
    }

    [Fact]
    public void Read_TruncatedData_GivesExpectedAndFoundBytes()
    {
        using var dir = new TempDir();
        string path = dir.File("short.npy");
        File.WriteAllBytes(path, NpyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", new byte[20]));
        AssertFails(path, "truncated data: expected 24 bytes, found 20");
    }

    [Fact]
    public void Read_ExtraBytesAfterTheData_AreReported()
    {
        using var dir = new TempDir();
        string path = dir.File("long.npy");
        File.WriteAllBytes(path, NpyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[12]));
        AssertFails(path, "expected 8 bytes of data, found 12");
    }

    [Fact]
    public void Read_FileCutInsideTheHeader_IsTruncated()
    {
        using var dir = new TempDir();
        string path = dir.File("cut.npy");
        byte[] whole = NpyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[8]);
        File.WriteAllBytes(path, whole[..40]);
        AssertFails(path, "truncated header");
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3}")]
    [InlineData("{'descr': '<f4', 'fortran_order': False}")]
    [InlineData("{'descr': '<f4', 'fortran_order': maybe, 'shape': (2,), }")]
    [InlineData("not a dict")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }")]
    public void Read_MalformedHeader_IsAHeaderParseError(string header)
    {
        using var dir = new TempDir();
        string path = dir.File("header.npy");
        File.WriteAllBytes(path, NpyFile(1, header, new byte[24]));
        AssertFails(path, "cannot parse .npy header");
    }

    [Fact]
    public void Read_UnknownFormatVersion_IsRejected()
    {
        using var dir = new TempDir();
        string path = dir.File("v9.npy");
        byte[] bytes = NpyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        bytes[6] = 9;
        File.WriteAllBytes(path, bytes);
        AssertFails(path, "unsupported .npy format version 9.0");
    }

    private static void AssertFails(string path, string problem)
    {
        var e = Assert.Throws<InputFileException>(() => Npy.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>A .npy file of the given version, header dict and raw data, padded as NumPy pads it.</summary>
    internal static byte[] NpyFile(int major, string dict, byte[] data)
    {
        int lengthSize = major == 1 ? 2 : 4;
        int preamble = 8 + lengthSize;
        int padding = (64 - (preamble + dict.Length + 1) % 64) % 64;
        byte[] header = Encoding.UTF8.GetBytes(dict + new string(' ', padding) + "\n");
        var file = new byte[preamble + header.Length + data.Length];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 }.CopyTo(file, 0);
        if (lengthSize == 2)
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)header.Length);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), (uint)header.Length);
        header.CopyTo(file, preamble);
        data.CopyTo(file, preamble + header.Length);
        return file;
    }
}
