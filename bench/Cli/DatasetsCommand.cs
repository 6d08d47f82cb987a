using System.CommandLine;
using SwinBench.Datasets;

namespace SwinBench.Cli;

/// <summary><c>swinbench datasets</c>: the manifest's datasets, which images are present under the data root, sizes and megapixels.</summary>
public static class DatasetsCommand
{
    public static Command Create()
    {
        var common = new SweepOptions();
        var cmd = new Command("datasets", "list datasets: images present, sizes, megapixels");
        common.AddTo(cmd, common.DataRoot, common.ManifestFile);
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var manifest = common.Manifest(r);
            if (r.GetValue(common.DataRoot) is { Exists: false } missing) throw new DirectoryNotFoundException($"--data-root not found: {missing.FullName}");
            var root = r.GetValue(common.DataRoot)?.FullName ?? ImageSource.DefaultDataRoot();
            var source = new ImageSource(root);
            Console.WriteLine($"manifest {manifest.Source}; data root {root ?? "(none: synthetic images)"}");
            Console.WriteLine($"{"dataset",-10} {"images",6} {"present",8} {"total MP",9} {"smallest",10} {"median",10} {"largest",10}");
            foreach (var ds in manifest.Datasets)
            {
                var images = manifest.Get(ds);
                var present = images.Count(source.HasReal);
                var stats = DatasetStatistics.For(images, TaskKind.Denoise);
                var smallest = images.MinBy(i => (long)i.Height * i.Width)!;
                Console.WriteLine($"{ds,-10} {images.Count,6} {present,8} {images.Sum(i => i.Height * (double)i.Width) / 1e6,9:F2} " +
                                  $"{smallest.Size,10} {stats.MedianInput,10} {stats.LargestInput,10}");
            }
            return 0;
        }));
        return cmd;
    }
}
