using System.Runtime.InteropServices;
using System.Text;
using SwinBench.Backends;
using SwinBench.Model;
using SwinBench.Native;

namespace SwinBench.Tests.Native;

/// <summary>
/// The kernel vocabulary (<see cref="ModelOptions.KernelTokens"/>) against what was built: every op row is an op of
/// libswinbench_plugins.so (its <c>swb_ops</c> list and its dynamic symbol table, which exports exactly the rows' entry
/// points and the library's own) and an op type that libswinbench_ort.so registers for each of its providers
/// (<c>swb_ort_ops</c>), and every flag has exactly one row. The TensorRT plugins are made from the same op table
/// (plugins-cu/common/op_table.h; ctest trt_logic checks their list).
/// </summary>
public class KernelVocabularyTests
{
    private static IEnumerable<KernelRow> OpRows => ModelOptions.KernelTokens.Where(r => r.OnnxOpType is not null);

    [Fact]
    public void Every_flag_has_one_row_and_every_name_is_unique()
    {
        var flags = Enum.GetValues<Kernels>().Where(f => f != Kernels.None && f != Kernels.All);
        Assert.Equal(flags.Order(), ModelOptions.KernelTokens.Select(r => r.Flag));
        Assert.Distinct(ModelOptions.KernelTokens.Select(r => r.Token));
        Assert.Distinct(OpRows.Select(r => r.OnnxOpType));
        Assert.Distinct(ModelOptions.KernelTokens.SelectMany(r => r.EntryPoints));
        foreach (var row in ModelOptions.KernelTokens)
        {
            Assert.Equal(row.OnnxOpType is null, row.Entry is null);
            if (row.OnnxOpType is not null) Assert.Equal(row.Flag.ToString(), row.OnnxOpType); // an op is named for its flag
        }
        Assert.Equal(["swb_swin_block_create_cpu", "swb_swin_block_create_cuda"], ModelOptions.Row(Kernels.SwinBlock).EntryPoints.Take(2));
        Assert.Throws<ArgumentException>(() => ModelOptions.OnnxOpType(Kernels.AlignedRows));
    }

    [Fact]
    public void The_plugin_library_lists_the_vocabulary_ops()
    {
        PluginFixture.Require();
        Assert.Equal(OpRows.Select(r => r.Token), SwinBenchPlugins.Ops());
    }

    [Fact]
    public void The_plugin_library_exports_exactly_the_vocabulary_entry_points()
    {
        var status = PluginFixture.Require();
        var exported = ElfSymbols.DefinedFunctions(status.Path!).Where(s => s.StartsWith("swb_", StringComparison.Ordinal)).ToHashSet();
        var expected = SwinBenchPlugins.LibraryEntryPoints.Concat(OpRows.SelectMany(r => r.EntryPoints)).ToHashSet();
        Assert.Empty(expected.Except(exported)); // a row's entry point the library lacks
        Assert.Empty(exported.Except(expected)); // an export no row or binding names
        Assert.Empty(status.MissingEntryPoints);
    }

    [Fact]
    public void The_ort_library_registers_every_vocabulary_op_for_each_provider()
    {
        var path = OrtOpLibrary.Find();
        Assert.True(path is not null, $"the ONNX Runtime op library is not built ({OrtOpLibrary.RelativePath}): run scripts/build-plugins.sh");
        var kernels = RegisteredKernels(path!);
        Assert.Contains("CPUExecutionProvider", kernels.Keys);
        foreach (var (provider, opTypes) in kernels)
            Assert.True(opTypes.SetEquals(OpRows.Select(r => r.OnnxOpType!)),
                $"{provider}: registers [{string.Join(", ", opTypes.Order())}], the vocabulary has [{string.Join(", ", OpRows.Select(r => r.OnnxOpType).Order())}]");
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr TextFunction();

    /// <summary>The op types libswinbench_ort.so registers, per execution provider (its <c>swb_ort_ops</c> lines).</summary>
    private static Dictionary<string, HashSet<string>> RegisteredKernels(string library)
    {
        var handle = NativeLibrary.Load(library);
        try
        {
            var list = Marshal.GetDelegateForFunctionPointer<TextFunction>(NativeLibrary.GetExport(handle, "swb_ort_ops"));
            var text = Marshal.PtrToStringUTF8(list()) ?? "";
            var kernels = new Dictionary<string, HashSet<string>>();
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var words = line.Split(' ');
                if (!kernels.TryGetValue(words[1], out var ops)) kernels[words[1]] = ops = [];
                ops.Add(words[0]);
            }
            return kernels;
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }
}

/// <summary>The dynamic symbol table of a 64-bit little-endian ELF shared library.</summary>
internal static class ElfSymbols
{
    /// <summary>The functions the library defines and exports (global or weak binding).</summary>
    public static IReadOnlyList<string> DefinedFunctions(string path)
    {
        var elf = File.ReadAllBytes(path);
        Assert.True(elf.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) && elf[4] == 2 && elf[5] == 1, $"{path} is not a 64-bit little-endian ELF file");
        var sectionTable = (int)BitConverter.ToUInt64(elf, 0x28);
        var sectionSize = BitConverter.ToUInt16(elf, 0x3A);
        var sections = BitConverter.ToUInt16(elf, 0x3C);
        (int Offset, int Size, int Link) Section(int i)
        {
            var at = sectionTable + i * sectionSize;
            return ((int)BitConverter.ToUInt64(elf, at + 0x18), (int)BitConverter.ToUInt64(elf, at + 0x20), (int)BitConverter.ToUInt32(elf, at + 0x28));
        }
        const uint DynamicSymbols = 11; // SHT_DYNSYM
        var names = new List<string>();
        for (var i = 0; i < sections; i++)
        {
            if (BitConverter.ToUInt32(elf, sectionTable + i * sectionSize + 4) != DynamicSymbols) continue;
            var (offset, size, link) = Section(i);
            var strings = Section(link).Offset;
            for (var at = offset; at + 24 <= offset + size; at += 24) // Elf64_Sym: name, info, other, shndx, value, size
            {
                var info = elf[at + 4];
                var (binding, type) = (info >> 4, info & 0xF);
                var defined = BitConverter.ToUInt16(elf, at + 6) != 0;
                if (!defined || type != 2 || binding is not (1 or 2)) continue; // STT_FUNC; STB_GLOBAL or STB_WEAK
                var start = strings + (int)BitConverter.ToUInt32(elf, at);
                var end = Array.IndexOf(elf, (byte)0, start);
                names.Add(Encoding.ASCII.GetString(elf, start, end - start));
            }
        }
        return names;
    }
}
