using System.Buffers.Binary;
using System.Text;

namespace SwinBench.Tests.Checkpoints;

/// <summary>Emits pickle opcodes by hand, so tests can build exactly the byte streams they need.</summary>
internal sealed class PickleBuilder
{
    private readonly MemoryStream _bytes = new();

    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>An OrderedDict state dict with the given (name, tensor-writer) entries and torch's _metadata BUILD.</summary>
    public static byte[] StateDict(params (string Name, Action<PickleBuilder> Tensor)[] entries)
    {
        var p = new PickleBuilder().Proto(2).NewOrderedDict().BinPut(0).Mark();
        foreach (var (name, writeTensor) in entries)
        {
            p.Unicode(name);
            writeTensor(p);
        }
        return p.SetItems().MetadataBuild().Stop().ToArray();
    }

    public PickleBuilder Op(params byte[] raw)
    {
        _bytes.Write(raw);
        return this;
    }

    public PickleBuilder Proto(byte version) => Op(0x80, version);
    public PickleBuilder Stop() => Op((byte)'.');
    public PickleBuilder Mark() => Op((byte)'(');
    public PickleBuilder Tuple() => Op((byte)'t');
    public PickleBuilder Tuple1() => Op(0x85);
    public PickleBuilder EmptyTuple() => Op((byte)')');
    public PickleBuilder EmptyDict() => Op((byte)'}');
    public PickleBuilder SetItem() => Op((byte)'s');
    public PickleBuilder SetItems() => Op((byte)'u');
    public PickleBuilder Reduce() => Op((byte)'R');
    public PickleBuilder Build() => Op((byte)'b');
    public PickleBuilder BinPersId() => Op((byte)'Q');
    public PickleBuilder False() => Op(0x89);
    public PickleBuilder None() => Op((byte)'N');
    public PickleBuilder BinPut(byte index) => Op((byte)'q', index);
    public PickleBuilder BinGet(byte index) => Op((byte)'h', index);
    public PickleBuilder Memoize() => Op(0x94);

    public PickleBuilder Global(string module, string name) =>
        Op((byte)'c').Op(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    /// <summary>Protocol-4 style: two short strings, then STACK_GLOBAL.</summary>
    public PickleBuilder StackGlobal(string module, string name) => ShortUnicode(module).ShortUnicode(name).Op(0x93);

    public PickleBuilder Unicode(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
        return Op((byte)'X').Op(length.ToArray()).Op(utf8);
    }

    public PickleBuilder ShortUnicode(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        return Op(0x8c, (byte)utf8.Length).Op(utf8);
    }

    /// <summary>Smallest integer opcode for the value, as Python's pickler chooses.</summary>
    public PickleBuilder Int(long value)
    {
        if (value is >= 0 and <= 0xff) return Op((byte)'K', (byte)value);
        if (value is >= 0 and <= 0xffff) return Op((byte)'M', (byte)value, (byte)(value >> 8));
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)value);
            return Op((byte)'J').Op(bytes);
        }
        var long8 = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(long8, value);
        return Op(0x8a, 8).Op(long8);
    }

    public PickleBuilder IntTuple(IEnumerable<long> values)
    {
        Mark();
        foreach (long v in values) Int(v);
        return Tuple();
    }

    /// <summary><c>collections.OrderedDict()</c> via GLOBAL, EMPTY_TUPLE, REDUCE.</summary>
    public PickleBuilder NewOrderedDict() => Global("collections", "OrderedDict").EmptyTuple().Reduce();

    /// <summary>
    /// <c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())</c> with the persistent id
    /// <c>('storage', torch.&lt;storageType&gt;, key, 'cpu', numel)</c>, exactly as torch.save lays it out.
    /// </summary>
    public PickleBuilder RebuildTensor(string storageType, string key, long numel, long offset, long[] size, long[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2");
        Mark();
        Mark().Unicode("storage").Global("torch", storageType).Unicode(key).Unicode("cpu").Int(numel).Tuple().BinPersId();
        Int(offset).IntTuple(size).IntTuple(stride).False().NewOrderedDict();
        return Tuple().Reduce();
    }

    /// <summary>The BUILD that torch emits after a state dict: state <c>{'_metadata': OrderedDict({'': {'version': 1}})}</c>.</summary>
    public PickleBuilder MetadataBuild()
    {
        EmptyDict().Unicode("_metadata").NewOrderedDict();
        Unicode("").EmptyDict().Unicode("version").Int(1).SetItem().SetItem();
        return SetItem().Build();
    }
}
