using System.Globalization;
using CsvHelper;

namespace SwinBench.Datasets;

/// <summary>
/// The list of benchmark images (<c>datasets/manifest.csv</c>): for each image its dataset, name, HR size,
/// channels and file format. Dataset and image names are matched case-insensitively.
/// </summary>
public sealed class DatasetManifest
{
    /// <summary>The manifest's path relative to the repository root.</summary>
    public const string RelativePath = "datasets/manifest.csv";

    /// <summary>The columns the CSV must have (in any order; extra columns are ignored).</summary>
    public static IReadOnlyList<string> Columns { get; } = ["dataset", "name", "height", "width", "channels", "format"];

    /// <summary>The image formats a manifest may name (those <see cref="IO.ImageIO"/> reads).</summary>
    public static IReadOnlyList<string> Formats { get; } = ["png", "bmp", "jpg", "jpeg", "tif", "tiff"];

    private static readonly Lazy<DatasetManifest> s_default = new(() =>
        Load(FindDefaultPath() ?? ExtractEmbedded()));

    /// <summary>Name of the copy of <c>datasets/manifest.csv</c> built into the harness assembly (used outside a checkout, e.g. a GPU bundle).</summary>
    public const string EmbeddedResourceName = "SwinBench.datasets.manifest.csv";

    private static string ExtractEmbedded()
    {
        using var stream = typeof(DatasetManifest).Assembly.GetManifestResourceStream(EmbeddedResourceName)
            ?? throw new FileNotFoundException($"{RelativePath} not found above {AppContext.BaseDirectory} and no built-in copy");
        var path = Path.Combine(Path.GetTempPath(), $"swinbench-manifest-{Environment.ProcessId}.csv");
        using (var file = File.Create(path)) stream.CopyTo(file);
        return path;
    }

    private readonly Dictionary<string, IReadOnlyList<DatasetImage>> _byDataset;

    private DatasetManifest(string source, List<DatasetImage> images)
    {
        Source = source;
        Images = images;
        _byDataset = images
            .GroupBy(i => i.Dataset, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<DatasetImage>)g.ToList(), StringComparer.OrdinalIgnoreCase);
        Datasets = images.Select(i => i.Dataset).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The repository's manifest (<c>datasets/manifest.csv</c> above <see cref="AppContext.BaseDirectory"/>), loaded once.</summary>
    /// <exception cref="FileNotFoundException">There is no manifest above the application folder.</exception>
    public static DatasetManifest Default => s_default.Value;

    /// <summary>The file the manifest was loaded from.</summary>
    public string Source { get; }

    /// <summary>Every image, in file order.</summary>
    public IReadOnlyList<DatasetImage> Images { get; }

    /// <summary>The dataset names, in order of first appearance.</summary>
    public IReadOnlyList<string> Datasets { get; }

    /// <summary>The images of a dataset (name matched case-insensitively), in file order.</summary>
    /// <exception cref="KeyNotFoundException">No such dataset; the message lists the known ones.</exception>
    public IReadOnlyList<DatasetImage> this[string dataset] => Get(dataset);

    /// <summary>The images of a dataset (name matched case-insensitively), in file order.</summary>
    /// <exception cref="KeyNotFoundException">No such dataset; the message lists the known ones.</exception>
    public IReadOnlyList<DatasetImage> Get(string dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return _byDataset.TryGetValue(dataset, out var images)
            ? images
            : throw new KeyNotFoundException(
                $"unknown dataset '{dataset}' in {Source}; known datasets: {string.Join(", ", Datasets)}");
    }

    /// <summary>Whether the manifest lists a dataset of that name (case-insensitive).</summary>
    public bool Contains(string dataset) => _byDataset.ContainsKey(dataset);

    /// <summary>One image by dataset and name (both case-insensitive).</summary>
    /// <exception cref="KeyNotFoundException">No such dataset or image.</exception>
    public DatasetImage Find(string dataset, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        IReadOnlyList<DatasetImage> images = Get(dataset);
        return images.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new KeyNotFoundException($"dataset {images[0].Dataset} has no image '{name}' in {Source}");
    }

    /// <summary>The path of <c>datasets/manifest.csv</c> in the repository above <see cref="AppContext.BaseDirectory"/>, or null.</summary>
    public static string? FindDefaultPath()
    {
        string? repo = RepoPaths.RepoRoot;
        if (repo is null)
            return null;
        string path = Path.Combine(repo, RelativePath);
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// Loads and validates a manifest CSV: the header must name <see cref="Columns"/>; every row needs a non-empty
    /// dataset and name, positive height and width, 1 or 3 channels and a format of <see cref="Formats"/>; a
    /// dataset/name pair may appear once.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The header or a row is invalid; the message names the file and line.</exception>
    public static DatasetManifest Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: dataset manifest not found", path);

        var options = new CsvReaderOptions { HasHeader = true, TrimWhitespace = true, TrackLineNumbers = true };
        try
        {
            using CsvReader csv = CsvReader.FromFile(path, options, FileOptions.SequentialScan);
            string[] missing = Columns.Where(c => !csv.TryGetFieldIndex(c, out _)).ToArray();
            if (missing.Length > 0)
                throw new FormatException(
                    $"{path} line 1: missing column(s) {string.Join(", ", missing)}; expected the header {string.Join(",", Columns)}");

            var images = new List<DatasetImage>();
            var seen = new Dictionary<(string, string), long>(new NamePairComparer());
            while (csv.Read())
            {
                long line = csv.LineNumber;
                DatasetImage image = ParseRow(csv, path, line);
                if (seen.TryGetValue((image.Dataset, image.Name), out long firstLine))
                    throw new FormatException(
                        $"{path} line {line}: duplicate image {image.Dataset}/{image.Name} (first listed on line {firstLine})");
                seen.Add((image.Dataset, image.Name), line);
                images.Add(image);
            }
            if (images.Count == 0)
                throw new FormatException($"{path}: the manifest lists no images");
            return new DatasetManifest(path, images);
        }
        catch (CsvFormatException e)
        {
            throw new FormatException($"{path} line {e.LineNumber}: malformed CSV: {e.Message}", e);
        }
    }

    private static DatasetImage ParseRow(CsvReader csv, string path, long line)
    {
        string Text(string column)
        {
            string value = csv.GetString(column).Trim();
            return value.Length == 0 ? throw new FormatException($"{path} line {line}: empty {column}") : value;
        }

        int Positive(string column)
        {
            string text = Text(column);
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
                ? value
                : throw new FormatException($"{path} line {line}: {column} '{text}' is not a positive integer");
        }

        string dataset = Text("dataset");
        string name = Text("name");
        int height = Positive("height");
        int width = Positive("width");
        int channels = Positive("channels");
        if (channels is not (1 or 3))
            throw new FormatException($"{path} line {line}: channels {channels} must be 1 or 3");
        string format = Text("format").TrimStart('.').ToLowerInvariant();
        if (!Formats.Contains(format))
            throw new FormatException($"{path} line {line}: format '{format}' is not one of {string.Join(", ", Formats)}");
        return new DatasetImage(dataset, name, height, width, channels, format);
    }

    private sealed class NamePairComparer : IEqualityComparer<(string, string)>
    {
        public bool Equals((string, string) a, (string, string) b) =>
            StringComparer.OrdinalIgnoreCase.Equals(a.Item1, b.Item1) && StringComparer.OrdinalIgnoreCase.Equals(a.Item2, b.Item2);

        public int GetHashCode((string, string) p) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(p.Item1), StringComparer.OrdinalIgnoreCase.GetHashCode(p.Item2));
    }
}
