using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace SwinBench.Checkpoints;

/// <summary>
/// Decides what globals, calls and persistent ids mean while unpickling. Implementations must never run code
/// named by the pickle; they only build plain data objects.
/// </summary>
internal interface IPickleHost
{
    /// <summary>Resolves <c>module.name</c>; throws if the global is not allow-listed.</summary>
    PyGlobal ResolveGlobal(string module, string name);

    /// <summary>REDUCE: the result of "calling" an allow-listed global with positional arguments.</summary>
    object? Call(PyGlobal callable, PyTuple args);

    /// <summary>NEWOBJ: the result of <c>cls.__new__(cls, *args)</c>.</summary>
    object? NewObject(PyGlobal cls, PyTuple args);

    /// <summary>BUILD: applies <paramref name="state"/> to <paramref name="target"/> (may ignore it).</summary>
    void Build(object? target, object? state);

    /// <summary>BINPERSID: the object named by a persistent id.</summary>
    object? PersistentLoad(object? persistentId);
}

/// <summary>Malformed pickle data; the unpickler adds the opcode and offset and turns it into a <see cref="CheckpointException"/>.</summary>
internal sealed class PickleFormatException(string message) : Exception(message);

/// <summary>
/// A small, restricted pickle virtual machine for protocols 0–5 as written by <c>torch.save</c>.
/// It understands the data opcodes, memo, marks, GLOBAL/STACK_GLOBAL, REDUCE, NEWOBJ, BUILD and BINPERSID;
/// everything that names a global or calls something is delegated to an <see cref="IPickleHost"/>,
/// which only allows a fixed list of harmless names. Nothing is ever executed.
/// </summary>
internal sealed class Unpickler
{
    private readonly byte[] _data;
    private readonly string _where;
    private readonly IPickleHost _host;
    private readonly List<object?> _stack = new();
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    private int _pos;

    /// <param name="data">The pickle bytes.</param>
    /// <param name="where">Where the pickle came from, for messages, e.g. <c>data.pkl of /x/model.pth</c>.</param>
    /// <param name="host">Resolves globals and persistent ids.</param>
    public Unpickler(byte[] data, string where, IPickleHost host)
    {
        _data = data;
        _where = where;
        _host = host;
    }

    /// <summary>Runs the pickle program to its STOP opcode and returns the resulting object.</summary>
    public object? Load()
    {
        while (true)
        {
            int opcodeOffset = _pos;
            if (_pos >= _data.Length)
                throw new CheckpointException($"corrupt pickle: data ends at offset {_pos} before the STOP opcode in {_where}");
            byte opcode = _data[_pos++];
            try
            {
                if (Execute(opcode, out object? result)) return result;
            }
            catch (Exception ex) when (ex is not CheckpointException and not OutOfMemoryException)
            {
                throw new CheckpointException(
                    $"corrupt pickle opcode 0x{opcode:X2} at offset {opcodeOffset} in {_where}: {ex.Message}", ex);
            }
        }
    }

    /// <summary>Executes one opcode; returns true (with the result) at STOP.</summary>
    private bool Execute(byte opcode, out object? result)
    {
        result = null;
        switch (opcode)
        {
            // ---- framing and control ----
            case 0x80: ReadByte(); break;                                   // PROTO
            case 0x95: ReadBytes(8); break;                                 // FRAME (length is advisory)
            case (byte)'.': result = Pop(); return true;                    // STOP
            case (byte)'(': _marks.Push(_stack.Count); break;               // MARK
            case (byte)'0': Pop(); break;                                   // POP
            case (byte)'1': PopToMark(); break;                             // POP_MARK
            case (byte)'2': Push(Peek()); break;                            // DUP

            // ---- constants and numbers ----
            case (byte)'N': Push(null); break;                              // NONE
            case 0x88: Push(true); break;                                   // NEWTRUE
            case 0x89: Push(false); break;                                  // NEWFALSE
            case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;   // BININT
            case (byte)'K': Push((long)ReadByte()); break;                                              // BININT1
            case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break;  // BININT2
            case 0x8a: Push(DecodeLong(ReadBytes(ReadByte()))); break;                                  // LONG1
            case 0x8b: Push(DecodeLong(ReadBytes(ReadLength(4)))); break;                               // LONG4
            case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break;           // BINFLOAT
            case (byte)'I': Push(ParseIntLine(ReadLine())); break;                                      // INT
            case (byte)'L': Push(ParseLongLine(ReadLine())); break;                                     // LONG
            case (byte)'F': Push(double.Parse(ReadLine(), CultureInfo.InvariantCulture)); break;        // FLOAT

            // ---- strings and bytes ----
            case (byte)'X': Push(ReadUtf8(ReadLength(4))); break;           // BINUNICODE
            case 0x8c: Push(ReadUtf8(ReadByte())); break;                   // SHORT_BINUNICODE
            case 0x8d: Push(ReadUtf8(ReadLength(8))); break;                // BINUNICODE8
            case (byte)'T': Push(ReadLatin1(ReadLength(4))); break;         // BINSTRING (Python 2 str)
            case (byte)'U': Push(ReadLatin1(ReadByte())); break;            // SHORT_BINSTRING
            case (byte)'B': Push(ReadBytes(ReadLength(4)).ToArray()); break; // BINBYTES
            case (byte)'C': Push(ReadBytes(ReadByte()).ToArray()); break;   // SHORT_BINBYTES
            case 0x8e: Push(ReadBytes(ReadLength(8)).ToArray()); break;     // BINBYTES8
            case 0x96: Push(ReadBytes(ReadLength(8)).ToArray()); break;     // BYTEARRAY8

            // ---- containers ----
            case (byte)'}': Push(new PyDict()); break;                      // EMPTY_DICT
            case (byte)']': Push(new List<object?>()); break;               // EMPTY_LIST
            case (byte)')': Push(PyTuple.Empty); break;                     // EMPTY_TUPLE
            case 0x8f: Push(new List<object?>()); break;                    // EMPTY_SET (kept as a list)
            case (byte)'t': Push(new PyTuple(PopToMark())); break;          // TUPLE
            case 0x85: Push(new PyTuple(PopN(1))); break;                   // TUPLE1
            case 0x86: Push(new PyTuple(PopN(2))); break;                   // TUPLE2
            case 0x87: Push(new PyTuple(PopN(3))); break;                   // TUPLE3
            case (byte)'l': Push(PopToMark()); break;                       // LIST
            case 0x91: Push(PopToMark()); break;                            // FROZENSET (kept as a list)
            case (byte)'d': Push(DictFromPairs(PopToMark())); break;        // DICT
            case (byte)'a': Append(Pop()); break;                           // APPEND
            case (byte)'e': foreach (var item in PopToMark()) Append(item); break; // APPENDS
            case 0x90: foreach (var item in PopToMark()) Append(item); break;      // ADDITEMS (set → list)
            case (byte)'s': SetItems(PopN(2)); break;                       // SETITEM
            case (byte)'u': SetItems(PopToMark()); break;                   // SETITEMS

            // ---- memo ----
            case (byte)'q': _memo[ReadByte()] = Peek(); break;                                             // BINPUT
            case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek(); break; // LONG_BINPUT
            case 0x94: _memo[_memo.Count] = Peek(); break;                                                 // MEMOIZE
            case (byte)'p': _memo[long.Parse(ReadLine(), CultureInfo.InvariantCulture)] = Peek(); break;  // PUT
            case (byte)'h': Push(MemoGet(ReadByte())); break;                                              // BINGET
            case (byte)'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break;  // LONG_BINGET
            case (byte)'g': Push(MemoGet(long.Parse(ReadLine(), CultureInfo.InvariantCulture))); break;   // GET

            // ---- globals, calls, objects ----
            case (byte)'c':                                                 // GLOBAL
            {
                string module = ReadLine();
                string name = ReadLine();
                Push(_host.ResolveGlobal(module, name));
                break;
            }
            case 0x93:                                                      // STACK_GLOBAL
            {
                string name = PopAs<string>("STACK_GLOBAL name");
                string module = PopAs<string>("STACK_GLOBAL module");
                Push(_host.ResolveGlobal(module, name));
                break;
            }
            case (byte)'R':                                                 // REDUCE
            {
                var args = PopAs<PyTuple>("REDUCE arguments");
                var callable = PopAs<PyGlobal>("REDUCE callable");
                Push(_host.Call(callable, args));
                break;
            }
            case 0x81:                                                      // NEWOBJ
            {
                var args = PopAs<PyTuple>("NEWOBJ arguments");
                var cls = PopAs<PyGlobal>("NEWOBJ class");
                Push(_host.NewObject(cls, args));
                break;
            }
            case (byte)'b':                                                 // BUILD
            {
                object? state = Pop();
                _host.Build(Peek(), state);
                break;
            }
            case (byte)'Q': Push(_host.PersistentLoad(Pop())); break;       // BINPERSID

            case (byte)'i':                                                 // INST: check the name first, then refuse
                _host.ResolveGlobal(ReadLine(), ReadLine());
                throw new PickleFormatException("the INST opcode is not supported");

            default:
                if (UnsupportedOpcodes.TryGetValue(opcode, out string? opcodeName))
                    throw new PickleFormatException($"the {opcodeName} opcode is not supported");
                throw new CheckpointException(
                    $"corrupt pickle opcode 0x{opcode:X2} at offset {_pos - 1} in {_where}: unknown opcode");
        }
        return false;
    }

    /// <summary>Opcodes that exist in the pickle protocol but never appear in a tensor checkpoint.</summary>
    private static readonly Dictionary<byte, string> UnsupportedOpcodes = new()
    {
        [(byte)'o'] = "OBJ", [(byte)'P'] = "PERSID", [(byte)'S'] = "STRING", [(byte)'V'] = "UNICODE",
        [0x82] = "EXT1", [0x83] = "EXT2", [0x84] = "EXT4", [0x92] = "NEWOBJ_EX",
        [0x97] = "NEXT_BUFFER", [0x98] = "READONLY_BUFFER",
    };

    // ---- stack helpers ----

    private void Push(object? value) => _stack.Add(value);

    private object? Peek()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks.Peek() == _stack.Count))
            throw new PickleFormatException("stack underflow");
        return _stack[^1];
    }

    private object? Pop()
    {
        object? value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private T PopAs<T>(string what)
    {
        object? value = Pop();
        return value is T typed
            ? typed
            : throw new PickleFormatException($"{what} is {PyDescribe.TypeName(value)}, expected {typeof(T).Name}");
    }

    private List<object?> PopN(int count)
    {
        int floor = _marks.Count > 0 ? _marks.Peek() : 0;
        if (_stack.Count - floor < count) throw new PickleFormatException("stack underflow");
        var items = _stack.GetRange(_stack.Count - count, count);
        _stack.RemoveRange(_stack.Count - count, count);
        return items;
    }

    private List<object?> PopToMark()
    {
        if (_marks.Count == 0) throw new PickleFormatException("no MARK on the stack");
        int mark = _marks.Pop();
        var items = _stack.GetRange(mark, _stack.Count - mark);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private object? MemoGet(long index) =>
        _memo.TryGetValue(index, out object? value) ? value : throw new PickleFormatException($"memo entry {index} is not defined");

    private void Append(object? item)
    {
        if (Peek() is not List<object?> list)
            throw new PickleFormatException($"cannot append to {PyDescribe.TypeName(Peek())}");
        list.Add(item);
    }

    private void SetItems(List<object?> keysAndValues)
    {
        if (keysAndValues.Count % 2 != 0) throw new PickleFormatException("odd number of items for SETITEMS");
        if (Peek() is not PyDict dict)
            throw new PickleFormatException($"cannot set items on {PyDescribe.TypeName(Peek())}");
        for (int i = 0; i < keysAndValues.Count; i += 2) dict.Set(keysAndValues[i], keysAndValues[i + 1]);
    }

    private static PyDict DictFromPairs(List<object?> keysAndValues)
    {
        if (keysAndValues.Count % 2 != 0) throw new PickleFormatException("odd number of items for DICT");
        var dict = new PyDict();
        for (int i = 0; i < keysAndValues.Count; i += 2) dict.Set(keysAndValues[i], keysAndValues[i + 1]);
        return dict;
    }

    // ---- readers ----

    private byte ReadByte()
    {
        if (_pos >= _data.Length) throw new PickleFormatException("unexpected end of data");
        return _data[_pos++];
    }

    private ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > _data.Length - _pos) throw new PickleFormatException("unexpected end of data");
        var span = new ReadOnlySpan<byte>(_data, _pos, count);
        _pos += count;
        return span;
    }

    /// <summary>Reads an unsigned little-endian length of 4 or 8 bytes and checks that that many bytes remain.</summary>
    private int ReadLength(int width)
    {
        ulong length = width == 4
            ? BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))
            : BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));
        if (length > (ulong)(_data.Length - _pos))
            throw new PickleFormatException($"length {length} runs past the end of the data");
        return (int)length;
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw new PickleFormatException("unterminated text argument");
        string line = Encoding.Latin1.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return line;
    }

    private string ReadUtf8(int count)
    {
        var bytes = ReadBytes(count);
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
            throw new PickleFormatException($"string of {count} bytes is not valid UTF-8");
        return Encoding.UTF8.GetString(bytes);
    }

    private string ReadLatin1(int count) => Encoding.Latin1.GetString(ReadBytes(count));

    /// <summary>Little-endian two's-complement integer of any width (LONG1/LONG4).</summary>
    private static object DecodeLong(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) return 0L;
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return NarrowInteger(value);
    }

    private static object ParseIntLine(string line) => line switch
    {
        "00" => false,
        "01" => true,
        _ => long.Parse(line, CultureInfo.InvariantCulture),
    };

    private static object ParseLongLine(string line)
    {
        const int MaxDigits = 400;  // far wider than any size or offset; keeps parsing linear
        if (line.Length > MaxDigits)
            throw new PickleFormatException($"LONG literal of {line.Length} characters is too long");
        var value = BigInteger.Parse(line.TrimEnd('L'), CultureInfo.InvariantCulture);
        return NarrowInteger(value);
    }

    /// <summary>A Python int as a boxed <see cref="long"/> when it fits in 64 bits, else as a <see cref="BigInteger"/>.</summary>
    private static object NarrowInteger(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;
}
