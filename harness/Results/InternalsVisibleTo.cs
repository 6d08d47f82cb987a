using System.Runtime.CompilerServices;

// The results tests use ResultsStore.OnRowWritten to inject a failure in the middle of a write.
[assembly: InternalsVisibleTo("SwinBench.Tests")]
