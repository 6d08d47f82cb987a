using System.Runtime.CompilerServices;

// The tests exercise AtomicFile's failure path directly.
[assembly: InternalsVisibleTo("SwinBench.Tests")]
