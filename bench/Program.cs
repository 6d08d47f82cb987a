using System.CommandLine;
using System.CommandLine.Invocation;
using SwinBench.Cli;

SwinBench.Benchmarks.HostAllocator.KeepFreedMemory(); // every verb: freed host buffers are reused, not faulted in again
var root = new RootCommand("SwinBench: SwinIR inference variants, backends and benchmarks");
foreach (var verb in Verbs.All()) root.Subcommands.Add(verb);
var parse = root.Parse(args);
if (parse.Action is ParseErrorAction) return ParseErrors.Report(parse, Console.Error);
try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e)
{
    return CliErrors.Report(e, Console.Error);
}
