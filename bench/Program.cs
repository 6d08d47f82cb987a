using System.CommandLine;
using SwinBench.Cli;

var root = new RootCommand("SwinBench: SwinIR inference variants, backends and benchmarks");
foreach (var verb in Verbs.All()) root.Subcommands.Add(verb);
return await root.Parse(args).InvokeAsync();
